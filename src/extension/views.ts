import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ChecklistResult, ItemResult } from '../checklist/evaluate';
import type { PackageRow } from '../deps/check';
import { SEVERITY_ORDER, type Finding } from '../core/types';
import { toRange } from './convert';
import { markdownCell } from '../core/report/markdown';
import { isGeneratorCommand } from './generator-commands';
import { ageInDays, applyFilter, dependencyTree, describeFilter, findingLabel, NO_FILTER, suppressionKey, suppressionRow, type DependencyNode, type FindingsFilter } from './view-model';

type FindingNode = { kind: 'group'; label: string; items: Finding[] } | { kind: 'finding'; finding: Finding };

export type FindingsGrouping = 'severity' | 'file' | 'rule';

/** Findings of the last audit and of open documents, grouped by severity, file or rule. */
export class FindingsView implements vscode.TreeDataProvider<FindingNode> {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.emitter.event;
  private all: Finding[] = [];
  private published: Finding[] = [];
  grouping: FindingsGrouping = 'severity';
  filter: FindingsFilter = NO_FILTER;
  /** Called when the filter changes (the tree view's description says what is filtered). */
  onFilter?: (description: string | undefined) => void;

  set(findings: Finding[]): void {
    this.published = findings.filter((f) => !f.suppression);
    this.all = applyFilter(this.published, this.filter);
    this.emitter.fire();
  }

  setFilter(f: FindingsFilter): void {
    this.filter = f;
    this.onFilter?.(describeFilter(f));
    this.set(this.published);
  }

  /** The Filter Findings… command: severities, then rules, from what is published (a caller may pass the filter). */
  async chooseFilter(given?: Partial<FindingsFilter>): Promise<void> {
    if (given) return this.setFilter({ severities: given.severities ?? [], rules: given.rules ?? [] });
    const sev = await vscode.window.showQuickPick(SEVERITY_ORDER.slice().reverse(), { canPickMany: true, placeHolder: 'Show these severities (none: all)' });
    if (sev === undefined) return;
    const ids = [...new Set(this.published.filter((f) => !sev.length || sev.includes(f.severity)).map((f) => f.ruleId))].sort();
    const rules = ids.length ? await vscode.window.showQuickPick(ids, { canPickMany: true, placeHolder: 'Show these rules (none: all)' }) : [];
    if (rules === undefined) return;
    this.setFilter({ severities: sev as FindingsFilter['severities'], rules });
  }

  groupBy(g: FindingsGrouping): void {
    this.grouping = g;
    this.emitter.fire();
  }

  /** The Group Findings By… command: the grouping given (a caller's argument), else asked. */
  async chooseGrouping(by?: FindingsGrouping): Promise<void> {
    const pick = by ?? (await vscode.window.showQuickPick(['severity', 'file', 'rule'], { placeHolder: `Group findings by (now: ${this.grouping})` }));
    if (pick) this.groupBy(pick as FindingsGrouping);
  }

  get count(): number {
    return this.all.length;
  }

  getChildren(node?: FindingNode): FindingNode[] {
    if (!node) {
      if (this.grouping === 'severity') {
        return SEVERITY_ORDER.slice().reverse()
          .map((s) => ({ kind: 'group' as const, label: s, items: this.all.filter((f) => f.severity === s) }))
          .filter((g) => g.items.length);
      }
      // By file or rule: the groups with the most serious findings first, then by name.
      const key = (f: Finding) => (this.grouping === 'file' ? vscode.workspace.asRelativePath(f.file) : f.ruleId);
      const groups = new Map<string, Finding[]>();
      for (const f of this.all) groups.set(key(f), [...(groups.get(key(f)) ?? []), f]);
      const worst = (fs: Finding[]) => Math.max(...fs.map((f) => SEVERITY_ORDER.indexOf(f.severity)));
      return [...groups].sort((a, b) => worst(b[1]) - worst(a[1]) || a[0].localeCompare(b[0])).map(([label, items]) => ({ kind: 'group' as const, label, items }));
    }
    return node.kind === 'group' ? node.items.map((finding) => ({ kind: 'finding' as const, finding })) : [];
  }

  getTreeItem(node: FindingNode): vscode.TreeItem {
    if (node.kind === 'group') {
      const t = new vscode.TreeItem(`${node.label} (${node.items.length})`, vscode.TreeItemCollapsibleState.Expanded);
      const sev = this.grouping === 'severity' ? node.label : SEVERITY_ORDER[Math.max(...node.items.map((f) => SEVERITY_ORDER.indexOf(f.severity)))];
      t.iconPath = new vscode.ThemeIcon(sev === 'low' ? 'info' : sev === 'medium' ? 'warning' : 'error');
      return t;
    }
    const f = node.finding;
    const t = new vscode.TreeItem(findingLabel(f, path.basename(f.file)), vscode.TreeItemCollapsibleState.None);
    t.description = f.ruleId;
    t.tooltip = `${f.message}\n${vscode.workspace.asRelativePath(f.file)}:${f.range.start.line + 1} · ${f.ruleId} · ${f.severity}`;
    t.command = { command: 'vscode.open', title: 'Reveal', arguments: [vscode.Uri.file(f.file), { selection: toRange(f) }] };
    return t;
  }
}

/** Where the Suppressions view keeps the day it first saw each suppression. */
export const SUPPRESSIONS_SEEN_KEY = 'sitewarden.suppressionsSeen.v1';
const MAX_SEEN = 5000;

/** Every suppression among the published findings (open documents and the audit): reason, file, expiry, age. */
export class SuppressionsView implements vscode.TreeDataProvider<Finding> {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.emitter.event;
  private rows: Finding[] = [];

  constructor(private readonly state: { get<T>(key: string): T | undefined; update(key: string, value: unknown): Thenable<void> }) {}

  set(findings: readonly Finding[]): void {
    this.rows = findings.filter((f) => f.suppression).sort((a, b) => a.file.localeCompare(b.file) || a.range.start.line - b.range.start.line);
    const seen = { ...(this.state.get<Record<string, string>>(SUPPRESSIONS_SEEN_KEY) ?? {}) };
    let added = false;
    const today = new Date().toISOString();
    for (const f of this.rows) {
      const k = suppressionKey(f);
      if (!seen[k] && Object.keys(seen).length < MAX_SEEN) (seen[k] = today), (added = true);
    }
    if (added) void this.state.update(SUPPRESSIONS_SEEN_KEY, seen);
    this.emitter.fire();
  }

  get count(): number {
    return this.rows.length;
  }

  getChildren(node?: Finding): Finding[] {
    return node ? [] : this.rows;
  }

  getTreeItem(f: Finding): vscode.TreeItem {
    const seen = this.state.get<Record<string, string>>(SUPPRESSIONS_SEEN_KEY) ?? {};
    const row = suppressionRow(f, path.basename(f.file), ageInDays(seen[suppressionKey(f)], new Date()));
    const t = new vscode.TreeItem(row.label, vscode.TreeItemCollapsibleState.None);
    t.description = row.description;
    t.tooltip = `${f.title}\n${vscode.workspace.asRelativePath(f.file)}:${f.range.start.line + 1}\nReason: ${f.suppression!.justification || '(none)'}${f.suppression!.until ? `\nUntil: ${f.suppression!.until}` : ''}`;
    t.iconPath = new vscode.ThemeIcon('eye-closed');
    t.command = { command: 'vscode.open', title: 'Reveal', arguments: [vscode.Uri.file(f.file), { selection: toRange(f) }] };
    return t;
  }
}

export class DependenciesView implements vscode.TreeDataProvider<PackageRow | string> {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.emitter.event;
  /** Top-level rows (direct dependencies, worst first) and what each pulls in. */
  private nodes: DependencyNode[] = [];
  private childrenOf = new Map<PackageRow, PackageRow[]>();
  // Empty until the first check, so that the view's welcome content (package.json) shows.
  private notes: string[] = [];

  /** `hosts`: the origins the check contacted, so the user sees where the look-ups went. */
  set(rows: PackageRow[], notes: string[], hosts: string[] = []): void {
    this.nodes = dependencyTree(rows);
    this.childrenOf = new Map(this.nodes.map((n) => [n.row, n.children]));
    this.notes = [
      ...(notes.length || this.nodes.length ? notes : ['All dependencies are current and free of known advisories.']),
      `Contacted: ${hosts.length ? hosts.join(', ') : 'no registry'}`,
    ];
    this.emitter.fire();
  }

  /** The top-level rows, in order (tests and the status bar read them). */
  get rows(): PackageRow[] {
    return this.nodes.map((n) => n.row);
  }

  getChildren(node?: PackageRow | string): (PackageRow | string)[] {
    if (!node) return [...this.notes, ...this.rows];
    return typeof node === 'string' ? [] : (this.childrenOf.get(node) ?? []);
  }

  getTreeItem(node: PackageRow | string): vscode.TreeItem {
    if (typeof node === 'string') return new vscode.TreeItem(node);
    const children = this.childrenOf.get(node) ?? [];
    const t = new vscode.TreeItem(`${node.name} ${node.installed ?? node.declared}`, children.length ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    const pulls = children.length ? ` · brings ${children.length} ${children.length === 1 ? 'package' : 'packages'} with problems` : '';
    t.description = `${node.status}${node.latest ? ` · latest ${node.latest}` : ''}${node.advisories.length ? ` · ${node.advisories.join(', ')}` : ''}${pulls}`;
    if (node.note) t.tooltip = node.note;
    t.iconPath = new vscode.ThemeIcon(node.status === 'vulnerable' ? 'error' : node.status === 'outdated' ? 'arrow-up' : node.status === 'ok' ? 'package' : 'warning');
    t.command = { command: 'vscode.open', title: 'Reveal', arguments: [vscode.Uri.file(node.file), { selection: new vscode.Range(node.line - 1, 0, node.line - 1, 0) }] };
    return t;
  }
}

type CheckNode = { kind: 'area'; index: number } | { kind: 'item'; item: ItemResult } | { kind: 'evidence'; label: string; file: string; line: number; failing: boolean };

/** An item's evidence and failing findings that name a file: each one a row that opens it at its line. */
function evidenceRows(i: ItemResult): CheckNode[] {
  const rows: CheckNode[] = [];
  for (const f of i.failing) rows.push({ kind: 'evidence', label: f.title, file: f.file, line: f.range.start.line, failing: true });
  for (const e of i.evidence) if (e.file) rows.push({ kind: 'evidence', label: e.message, file: e.file, line: e.range?.start.line ?? 0, failing: false });
  return rows.slice(0, 50);
}
const STATE_ICON: Record<string, string> = { pass: 'pass-filled', fail: 'error', unknown: 'question', manual: 'circle-large-outline', 'not-applicable': 'circle-slash' };

export class ChecklistView implements vscode.TreeDataProvider<CheckNode> {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.emitter.event;
  result?: ChecklistResult;
  private restricted = false;

  constructor(private readonly media: vscode.Uri) {}

  /** In Restricted Mode the items whose action is a generator say it is off. */
  setRestricted(on: boolean): void {
    this.restricted = on;
    this.emitter.fire();
  }

  set(r: ChecklistResult): void {
    this.result = r;
    this.emitter.fire();
  }

  getChildren(node?: CheckNode): CheckNode[] {
    if (!this.result) return [];
    if (!node) return this.result.areas.map((_a, index) => ({ kind: 'area' as const, index }));
    if (node.kind === 'area') return this.result.areas[node.index].items.map((item) => ({ kind: 'item' as const, item }));
    return node.kind === 'item' ? evidenceRows(node.item) : [];
  }

  getTreeItem(node: CheckNode): vscode.TreeItem {
    if (node.kind === 'area') {
      const a = this.result!.areas[node.index];
      const t = new vscode.TreeItem(a.area.title, vscode.TreeItemCollapsibleState.Expanded);
      t.description = `${a.passed}/${a.total}`;
      t.tooltip = a.area.summary;
      return t;
    }
    if (node.kind === 'evidence') {
      const e = new vscode.TreeItem(node.label);
      e.description = `${path.basename(node.file)}:${node.line + 1}`;
      e.tooltip = `${node.label}\n${vscode.workspace.asRelativePath(node.file)}:${node.line + 1}`;
      e.iconPath = new vscode.ThemeIcon(node.failing ? 'error' : 'pass');
      e.command = { command: 'vscode.open', title: 'Show evidence', arguments: [vscode.Uri.file(node.file), { selection: new vscode.Range(node.line, 0, node.line, 0) }] };
      return e;
    }
    const i = node.item;
    const t = new vscode.TreeItem(i.item.title, evidenceRows(i).length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    t.description = i.status;
    // The note comes from the committed state file: escaped, never rendered as Markdown or links.
    const note = i.note ? `\n\n*Note (${markdownCell(i.note.by)}, ${markdownCell(i.note.date)}):* ${markdownCell(i.note.text)}` : '';
    t.tooltip = new vscode.MarkdownString(`**${i.item.title}**\n\n${i.reason}\n\n*Why:* ${i.item.why}\n\n*How it is checked:* ${i.item.howEvaluated}${note}`);
    t.iconPath = vscode.Uri.joinPath(this.media, `check-${i.status}.svg`);
    const command = i.item.action?.command;
    const generates = isGeneratorCommand(command);
    // Generator actions have their own context value: package.json hides them in Restricted Mode.
    // `.decided` when a person's entry (done / not applicable) exists: the view offers to undo it.
    t.contextValue = (command ? (generates ? 'sitewarden.item.generator' : 'sitewarden.item.fixable') : i.item.kind === 'manual' ? 'sitewarden.item.manual' : 'sitewarden.item') + (i.manual ? '.decided' : '');
    if (i.manual) t.description = `${i.status} · ${i.manual.status === 'done' ? 'confirmed' : 'N/A'} by ${i.manual.by}`;
    if (generates && this.restricted) t.description = `${i.status} · fix off in Restricted Mode`;
    if (i.note) t.description = `${t.description} · note`;
    const where = i.failing[0] ?? i.evidence.find((e) => e.file);
    if (where && 'file' in where && where.file) {
      const line = 'range' in where && where.range ? where.range.start.line : 0;
      t.command = { command: 'vscode.open', title: 'Show evidence', arguments: [vscode.Uri.file(where.file), { selection: new vscode.Range(line, 0, line, 0) }] };
    }
    void STATE_ICON;
    return t;
  }
}
