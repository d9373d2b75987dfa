import * as path from 'node:path';
import * as vscode from 'vscode';
import { ACCEPTABLE_RULES, appendIgnoreEntries, CONFIG_FILE, readIgnoreText, type IgnoreEntry } from '../deps/accepted-risks';
import type { PackageRow } from '../deps/check-context';
import { writeAllInsideRoot } from '../core/safe-fs';
import { printable } from '../core/report/text';
import type { Prompter } from './prompter';
import { suppressFinding } from './suppress-command';
import { parseReasonInput } from './suppress-input';

/** Manifests whose lines take a `# sitewarden-ignore[...]` comment that a later install keeps. */
const COMMENTED_MANIFEST = /^(?:requirements.*\.txt|.*\.in|pyproject\.toml|Pipfile)$/i;

export interface DependencySuppressContext {
  ask: NonNullable<Prompter['suppressionReason']>;
  /** The last dependency check's row for a manifest line (0-based). */
  rowAt(file: string, line: number): PackageRow | undefined;
  /** Re-runs the dependency check, so the diagnostic and the lens show the acceptance. */
  recheck(): Promise<void>;
}

/**
 * Suppress a dependency finding with a reason (and an optional `until=`). Python manifests get the
 * comment above the line, as code does; package.json and lockfiles have no comments that survive,
 * so the acceptance goes to `.sitewarden/config` as `[[dependencies.ignore]]` entries: one per
 * advisory of a vulnerable package, or the rule for that package. A cancel writes nothing.
 */
export async function suppressDependencyFinding(c: DependencySuppressContext, uri: vscode.Uri, line: number, ruleId: string): Promise<boolean> {
  if (!(uri instanceof vscode.Uri) || !Number.isInteger(line) || line < 0 || typeof ruleId !== 'string' || !ruleId.startsWith('dep-')) return false;
  if (COMMENTED_MANIFEST.test(path.basename(uri.fsPath))) {
    const done = await suppressFinding(c.ask, uri, line, ruleId);
    if (done) await saveAndRecheck(c, uri);
    return done;
  }
  const row = c.rowAt(uri.fsPath, line);
  const root = vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath;
  if (!row || !root) {
    void vscode.window.showWarningMessage('SiteWarden: nothing suppressed. Run "Check Dependencies" again: this line has no current result.');
    return false;
  }
  const rule = ACCEPTABLE_RULES.find((x) => x === ruleId);
  if (ruleId === 'dep-vulnerable' ? !row.advisories.length : !rule) {
    void vscode.window.showWarningMessage(`SiteWarden: nothing suppressed. ${ruleId === 'dep-vulnerable' ? `The check lists no advisory id for ${printable(row.name)}.` : `${printable(ruleId)} cannot be accepted in ${CONFIG_FILE}.`}`);
    return false;
  }
  const answer = await c.ask(ruleId);
  if (answer === undefined) return false;
  const r = parseReasonInput(answer);
  if (!r.ok) {
    void vscode.window.showWarningMessage(`SiteWarden: nothing suppressed. ${r.problem}`);
    return false;
  }
  const common = { package: row.name, reason: r.reason, ...(r.until ? { expires: r.until } : {}) };
  const entries: IgnoreEntry[] = rule ? [{ advisory: '', rule, ...common }] : row.advisories.map((advisory) => ({ advisory, ...common }));
  const file = path.join(root, CONFIG_FILE);
  try {
    const existing = readIgnoreText(root);
    const content = appendIgnoreEntries(existing ?? '', entries);
    // Symlink-safe (a planted link at .sitewarden/config is refused, not followed), and a file
    // changed since it was read is not overwritten.
    writeAllInsideRoot(root, [existing === undefined ? { file, content, create: true } : { file, content, expect: Buffer.from(existing) }]);
  } catch (e) {
    void vscode.window.showErrorMessage(printable((e as Error).message));
    return false;
  }
  await c.recheck();
  const open = 'Open .sitewarden/config';
  void vscode.window.showInformationMessage(`SiteWarden: ${ruleId} accepted for ${printable(row.name)} in ${CONFIG_FILE}${r.until ? ` until ${r.until}` : ''}.`, open).then((pick) => {
    if (pick === open) void vscode.window.showTextDocument(vscode.Uri.file(file));
  });
  return true;
}

async function saveAndRecheck(c: DependencySuppressContext, uri: vscode.Uri): Promise<void> {
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  // The check reads the file on disk: the comment counts once it is saved.
  if (doc?.isDirty) await doc.save();
  await c.recheck();
}
