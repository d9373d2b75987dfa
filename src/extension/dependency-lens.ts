import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PackageRow } from '../deps/check';
import { lensTitle } from '../deps/lens';

/** Manifests get a lens on each dependency line after a dependency check. */
export const MANIFEST_SELECTOR: vscode.DocumentSelector = [
  { scheme: 'file', pattern: '**/package.json' },
  { scheme: 'file', pattern: '**/requirements*.txt' },
  { scheme: 'file', pattern: '**/pyproject.toml' },
  { scheme: 'file', pattern: '**/Pipfile' },
];

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

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const rows = this.byFile.get(path.resolve(doc.uri.fsPath)) ?? [];
    // Lines may have moved since the check: a row whose line no longer names the package is left out.
    // Rows count lines from 1, as the CLI prints them.
    return rows
      .filter((r) => r.line >= 1 && r.line <= doc.lineCount && doc.lineAt(r.line - 1).text.toLowerCase().includes(r.name.toLowerCase()))
      .map((r) => new vscode.CodeLens(new vscode.Range(r.line - 1, 0, r.line - 1, 0), { title: lensTitle(r), command: 'sitewarden.dependencies.focus', tooltip: r.advisories.join(', ') || r.status }));
  }

  dispose(): void {
    this.changed.dispose();
  }
}
