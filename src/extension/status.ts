import * as vscode from 'vscode';
import type { Finding } from '../core/types';
import { isRestricted, RESTRICTED_TEXT } from './restricted-mode';

/** The status bar item: counts of what the editor shows, and whether Restricted Mode is on. */
export class FindingsStatus implements vscode.Disposable {
  readonly item = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 50);
  private last: readonly Finding[] = [];

  constructor() {
    this.item.command = 'workbench.view.extension.sitewarden';
    this.item.name = 'SiteWarden';
  }

  update(findings: readonly Finding[] = this.last): void {
    this.last = findings;
    const shown = findings.filter((f) => !f.suppression);
    const high = shown.filter((f) => f.severity === 'high' || f.severity === 'critical').length;
    const restricted = isRestricted();
    this.item.text = `$(shield) ${high} high · ${shown.length - high} other${restricted ? RESTRICTED_TEXT.statusSuffix : ''}`;
    this.item.tooltip = restricted ? RESTRICTED_TEXT.statusTooltip : 'SiteWarden findings: open the sidebar';
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
