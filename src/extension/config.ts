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
    // Registries configured by an untrusted workspace are not used (workspace trust).
    npmRegistry: vscode.workspace.isTrusted ? c.get<string>('npmRegistry') || undefined : undefined,
    pypiIndex: vscode.workspace.isTrusted ? c.get<string>('pypiIndex') || undefined : undefined,
  };
}

export function visible(f: Finding, s: Settings): boolean {
  return !f.suppression && severityRank(f.severity) >= severityRank(s.minimumSeverity);
}
