import * as vscode from 'vscode';
import type { Severity } from '../core/types';
import type { RuleFamily } from '../core/rule';
import { DEFAULT_TEST_PATH_MODE, TEST_PATH_MODES, type TestPathMode } from '../core/languages';

export interface Settings {
  minimumSeverity: Severity;
  runOn: 'type' | 'save';
  disabledFamilies: RuleFamily[];
  exclude: string[];
  testPaths: TestPathMode;
  offline: boolean;
  npmRegistry?: string;
  pypiIndex?: string;
}

/** A hand-edited settings.json can hold anything: an unknown mode falls back to the default. */
function testPathMode(value: string | undefined): TestPathMode {
  return TEST_PATH_MODES.find((m) => m === value) ?? DEFAULT_TEST_PATH_MODE;
}

export function settings(scope?: vscode.ConfigurationScope): Settings {
  const c = vscode.workspace.getConfiguration('sitewarden', scope);
  return {
    minimumSeverity: c.get<Severity>('minimumSeverity', 'low'),
    runOn: c.get<'type' | 'save'>('runOn', 'type'),
    disabledFamilies: c.get<RuleFamily[]>('disabledFamilies', []),
    exclude: c.get<string[]>('exclude', []),
    testPaths: testPathMode(c.get<string>('testPaths')),
    offline: c.get<boolean>('offline', false),
    npmRegistry: registrySetting(c, 'npmRegistry'),
    pypiIndex: registrySetting(c, 'pypiIndex'),
  };
}

/**
 * A registry setting. In Restricted Mode only the user's own value counts: a workspace's
 * settings.json must not choose where the dependency check (and the user's credentials) go.
 * VS Code drops workspace values of `restrictedConfigurations` itself; this does not rely on it.
 */
function registrySetting(c: vscode.WorkspaceConfiguration, key: 'npmRegistry' | 'pypiIndex'): string | undefined {
  const value = vscode.workspace.isTrusted ? c.get<string>(key) : c.inspect<string>(key)?.globalValue;
  return value || undefined;
}
