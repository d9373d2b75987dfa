import * as vscode from 'vscode';
import { isRestricted, RESTRICTED_TEXT } from './restricted-mode';
import { statusText, type StatusInput } from './status-text';

/** The status bar item: counts of what the editor shows, and whether Restricted Mode is on. */
export class FindingsStatus implements vscode.Disposable {
  readonly item = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 50);
  private last: StatusInput = { checked: false, code: [], dependencies: [] };

  constructor() {
    this.item.command = 'workbench.view.extension.sitewarden';
    this.item.name = 'SiteWarden';
  }

  /** `sitewarden.statusBar.enabled`. */
  enabled = true;
  /** Whether the item is on screen (the API's ui() reports it). */
  shown = false;

  update(input: StatusInput = this.last): void {
    this.last = input;
    this.shown = this.enabled;
    if (!this.enabled) return void this.item.hide();
    const restricted = isRestricted();
    const { text, tooltip } = statusText(input);
    this.item.text = `${text}${restricted ? RESTRICTED_TEXT.statusSuffix : ''}`;
    this.item.tooltip = restricted ? RESTRICTED_TEXT.statusTooltip : tooltip;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
