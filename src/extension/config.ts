import * as vscode from 'vscode';
import { severityRank, type Finding, type Severity } from '../core/types';
import type { RuleFamily } from '../core/rule';

export interface Settings {
  minimumSeverity: Severity;
  runOn: 'type' | 'save';
  disabledFamilies: RuleFamily[];
  exclude: string[];
  testPaths: 'demote' | 'ignore' | 'normal';
  offline: boolean;
  npmRegistry?: string;
  pypiIndex?: string;
}

export function settings(scope?: vscode.ConfigurationScope): Settings {
  const c = vscode.workspace.getConfiguration('sitewarden', scope);
  return {
    minimumSeverity: c.get<Severity>('minimumSeverity', 'low'),
    runOn: c.get<'type' | 'save'>('runOn', 'type'),
    disabledFamilies: c.get<RuleFamily[]>('disabledFamilies', []),
    exclude: c.get<string[]>('exclude', []),
    testPaths: c.get<'demote' | 'ignore' | 'normal'>('testPaths', 'demote'),
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

export function visible(f: Finding, s: Settings): boolean {
  return !f.suppression && severityRank(f.severity) >= severityRank(s.minimumSeverity);
}
