import * as vscode from 'vscode';
import { severityRank, type Finding, type Severity } from '../core/types';
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
    // Registries configured by an untrusted workspace are not used (workspace trust).
    npmRegistry: vscode.workspace.isTrusted ? c.get<string>('npmRegistry') || undefined : undefined,
    pypiIndex: vscode.workspace.isTrusted ? c.get<string>('pypiIndex') || undefined : undefined,
  };
}

export function visible(f: Finding, s: Settings): boolean {
  return !f.suppression && severityRank(f.severity) >= severityRank(s.minimumSeverity);
}
