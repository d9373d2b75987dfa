import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PackageRow } from '../deps/check';
import { lensTitle } from '../deps/lens';
import { bumpedLine } from './dependency-bump';

/** Manifests get a lens on each dependency line after a dependency check. */
export const MANIFEST_SELECTOR: vscode.DocumentSelector = [
  { scheme: 'file', pattern: '**/package.json' },
  { scheme: 'file', pattern: '**/requirements*.txt' },
  { scheme: 'file', pattern: '**/pyproject.toml' },
  { scheme: 'file', pattern: '**/Pipfile' },
];

/** Whether a row has a newer version to move to and its line is one bumpedLine rewrites. */
export function bumpFor(r: PackageRow, lineText: string, manifest: string): string | undefined {
  if (!r.latest || r.status === 'ok' || r.status === 'unchecked' || r.latest === (r.installed ?? r.declared)) return undefined;
  return bumpedLine(lineText, r.name, r.latest, manifest);
}

/**
 * The Update command (lens click, code action): the line as it is now, rewritten by bumpedLine;
 * nothing happens when the line changed so that it no longer has the plain form.
 */
export async function bumpDependency(uri: vscode.Uri, line: number, name: string, latest: string): Promise<boolean> {
  if (!(uri instanceof vscode.Uri) || !Number.isInteger(line) || typeof name !== 'string' || typeof latest !== 'string') return false;
  const doc = await vscode.workspace.openTextDocument(uri);
  const text = doc.getText().split(/\r?\n/)[line];
  const next = text === undefined ? undefined : bumpedLine(text, name, latest, uri.fsPath);
  if (next === undefined) {
    void vscode.window.showWarningMessage(`SiteWarden: ${name} is not on line ${line + 1} in a form SiteWarden can update; edit it by hand.`);
    return false;
  }
  const edit = new vscode.WorkspaceEdit();
  edit.replace(uri, new vscode.Range(line, 0, line, text!.length), next);
  return vscode.workspace.applyEdit(edit);
}

export class DependencyLens implements vscode.CodeLensProvider {
  private readonly byFile = new Map<string, PackageRow[]>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  set(rows: readonly PackageRow[]): void {
    this.byFile.clear();
    for (const r of rows) {
      const key = path.resolve(r.file);
      this.byFile.set(key, [...(this.byFile.get(key) ?? []), r]);
    }
    this.changed.fire();
  }

  /** `sitewarden.codeLens.enabled`. */
  private on = true;

  setEnabled(on: boolean): void {
    if (on === this.on) return;
    this.on = on;
    this.changed.fire();
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (!this.on) return [];
    const rows = this.byFile.get(path.resolve(doc.uri.fsPath)) ?? [];
    // Lines may have moved since the check: a row whose line no longer names the package is left out.
    // Rows count lines from 1, as the CLI prints them.
    return rows
      .filter((r) => r.line >= 1 && r.line <= doc.lineCount && doc.lineAt(r.line - 1).text.toLowerCase().includes(r.name.toLowerCase()))
      .map((r) => {
        const range = new vscode.Range(r.line - 1, 0, r.line - 1, 0);
        // Version Lens style: a click on a row with a newer version applies it.
        const bump = bumpFor(r, doc.lineAt(r.line - 1).text, doc.uri.fsPath);
        if (bump) return new vscode.CodeLens(range, { title: `${lensTitle(r)} · update`, command: 'sitewarden.bumpDependency', arguments: [doc.uri, r.line - 1, r.name, r.latest], tooltip: `Set ${r.name} to ${r.latest} (${r.advisories.join(', ') || r.status}); run your package manager after it to update the lockfile` });
        return new vscode.CodeLens(range, { title: lensTitle(r), command: 'sitewarden.dependencies.focus', tooltip: r.advisories.join(', ') || r.status });
      });
  }

  /** The row the check made for a manifest line (0-based), for code actions on its diagnostic. */
  rowAt(file: string, line: number): PackageRow | undefined {
    return this.byFile.get(path.resolve(file))?.find((r) => r.line - 1 === line);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
