import * as vscode from 'vscode';
import type { Severity } from '../core/types';
import type { RuleFamily } from '../core/rule';
import { DEFAULT_TEST_PATH_MODE, TEST_PATH_MODES, type TestPathMode } from '../core/languages';

export interface Settings {
  minimumSeverity: Severity;
  runOn: 'type' | 'save';
  disabledFamilies: RuleFamily[];
  /** Rule ids switched off one by one. */
  disabledRules: string[];
  /** The dependency lens above manifest lines. */
  codeLens: boolean;
  /** The status bar item. */
  statusBar: boolean;
  /** `sitewarden.exclude` from the user's own settings: their exclusions. */
  exclude: string[];
  /** `sitewarden.exclude` from the workspace's settings: the repository's exclusions (skip table). */
  excludeFromWorkspace: string[];
  /** `sitewarden.include`: scanned even where a default skip applies (never past the read guards). */
  include: string[];
  testPaths: TestPathMode;
  offline: boolean;
  npmRegistry?: string;
  pypiIndex?: string;
}

/** A list of strings from a hand-edited settings.json: anything else is dropped. */
function stringList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
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
    disabledRules: stringList(c.get<unknown>('disabledRules')),
    codeLens: c.get<boolean>('codeLens.enabled', true) !== false,
    statusBar: c.get<boolean>('statusBar.enabled', true) !== false,
    // A committed .vscode/settings.json is the repository speaking: what it excludes is counted as
    // excluded by the repository (incomplete under --strict's rules), not as the user's choice.
    exclude: c.inspect<string[]>('exclude')?.globalValue ?? [],
    excludeFromWorkspace: [...(c.inspect<string[]>('exclude')?.workspaceValue ?? []), ...(c.inspect<string[]>('exclude')?.workspaceFolderValue ?? [])],
    include: c.get<string[]>('include', []),
    testPaths: testPathMode(c.get<string>('testPaths')),
    offline: c.get<boolean>('offline', false),
    npmRegistry: registrySetting(c, 'registry.node') ?? registrySetting(c, 'npmRegistry'),
    pypiIndex: registrySetting(c, 'registry.python') ?? registrySetting(c, 'pypiIndex'),
  };
}

/**
 * A registry setting. In Restricted Mode only the user's own value counts: a workspace's
 * settings.json must not choose where the dependency check (and the user's credentials) go.
 * VS Code drops workspace values of `restrictedConfigurations` itself; this does not rely on it.
 * `npmRegistry` and `pypiIndex` are the former names (the Settings editor showed them as "Npm
 * Registry" and "Pypi Index"), still read when the new one is empty.
 */
function registrySetting(c: vscode.WorkspaceConfiguration, key: 'registry.node' | 'registry.python' | 'npmRegistry' | 'pypiIndex'): string | undefined {
  const value = vscode.workspace.isTrusted ? c.get<string>(key) : c.inspect<string>(key)?.globalValue;
  return value || undefined;
}
