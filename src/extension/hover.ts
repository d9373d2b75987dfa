import * as vscode from 'vscode';
import { ruleSet } from '../core/language-registry';
import type { RuleMeta } from '../core/rule';
import { hoverMarkdown, type HoverExtras } from './hover-text';
import type { FindingPublisher } from './publisher';

/** The hover over a flagged range: what hoverMarkdown writes, with only the docs command enabled. */
export class FindingHover implements vscode.HoverProvider {
  private readonly extras = new Map<string, HoverExtras>();

  constructor(
    private readonly publisher: FindingPublisher,
    rules: readonly { meta: Pick<RuleMeta, 'id' | 'language' | 'docs'> }[],
  ) {
    for (const { meta } of rules) {
      let fence = '';
      try {
        if (meta.language !== 'text') fence = ruleSet(meta.language).docsFence;
      } catch {
        // a rule language without a registry entry (dependency rules): an unfenced example
      }
      this.extras.set(meta.id, { useInstead: meta.docs.useInstead, fence });
    }
  }

  provideHover(doc: vscode.TextDocument, pos: vscode.Position): vscode.Hover | undefined {
    const here = this.publisher.findingsFor(doc.uri).filter((f) => {
      const { start, end } = f.range;
      const afterStart = pos.line > start.line || (pos.line === start.line && pos.character >= start.column);
      const beforeEnd = pos.line < end.line || (pos.line === end.line && pos.character <= end.column);
      return afterStart && beforeEnd;
    });
    if (!here.length) return undefined;
    const md = new vscode.MarkdownString(here.map((f) => hoverMarkdown(f, this.extras.get(f.ruleId))).join('\n\n---\n\n'));
    md.isTrusted = { enabledCommands: ['sitewarden.showRuleDocs'] };
    md.supportHtml = false;
    return new vscode.Hover(md);
  }
}
