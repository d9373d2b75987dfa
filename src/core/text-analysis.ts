import type { Rule, TextRuleContext } from './rule';
import { buildFinding } from './finding';
import { testPathTreatment, type TestPathMode } from './languages';
import { expiredNote, splitExpiry, suppressionExpired } from './suppressions';
import type { Finding } from './types';

/** A suppression in any comment syntax on the line or the line before: `sitewarden-ignore[ID]`. */
function suppressedAt(lines: readonly string[], line: number, ruleId: string): { justification: string; until?: string } | undefined {
  for (const l of [line, line - 1]) {
    const m = /sitewarden-ignore(?:\[([^\]]*)\])?\s*(?::\s*([^\n]*?))?\s*(?:-->|\*\/|#}|%>|-%>)?\s*$/.exec(lines[l] ?? '');
    if (!m) continue;
    const ids = (m[1] ?? '').split(',').map((x) => x.trim()).filter(Boolean);
    if (ids.length === 0 || ids.includes(ruleId)) return splitExpiry((m[2] ?? '').trim());
  }
  return undefined;
}

/**
 * Runs the text rules that apply to one file (templates, config, any text) and turns their
 * reports into findings with the same suppression and test-path policy as syntax rules.
 */
export function analyzeTextFile(
  file: string,
  relPath: string,
  text: string,
  rules: readonly Rule[],
  opts: { isTestFile: boolean; testPaths?: TestPathMode; onRuleError?: (ruleId: string, file: string, e: unknown) => void },
): Finding[] {
  const tests = testPathTreatment(opts.testPaths, opts.isTestFile);
  if (!tests.analyse) return [];
  const applicable = rules.filter((r) => r.meta.language === 'text' && r.checkText && (!r.appliesTo || r.appliesTo(relPath)));
  if (applicable.length === 0) return [];
  const lines = text.split(/\r?\n/);
  const findings: Finding[] = [];
  for (const rule of applicable) {
    if (!tests.runs(rule.meta)) continue;
    const m = rule.meta;
    const ctx: TextRuleContext = {
      file,
      text,
      lines,
      isTestFile: opts.isTestFile,
      report(d) {
        const lineText = lines[d.line] ?? '';
        const f = buildFinding({
          meta: m,
          file,
          range: { start: { line: d.line, column: d.column }, end: { line: d.line, column: d.endColumn ?? lineText.length } },
          lineText,
          message: d.message,
          severity: d.severity,
          confidence: d.confidence,
          fix: d.fix,
          checklist: d.checklist,
          tests,
        });
        const why = suppressedAt(lines, d.line, m.id);
        if (why && suppressionExpired(why)) f.message += expiredNote(why);
        else if (why) f.suppression = { kind: 'sitewarden-ignore', ...why };
        findings.push(f);
      },
    };
    try {
      rule.checkText!(ctx);
    } catch (e) {
      opts.onRuleError?.(m.id, file, e);
    }
  }
  return findings.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column);
}
