/** `npm run quality [-- --verbose]`: recall and precision per rule family on test/corpus. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RULE_SETS } from '../src/core/language-registry';
import { scanPaths } from '../src/core/scanner';
import { allRules } from '../src/rules';
import { collectLabels, LabelError, scoreFindings } from './quality-score';

async function main(): Promise<void> {
  const root = path.join(__dirname, '..', '..', 'test', 'corpus');
  const families = new Set(allRules.map((r) => r.meta.family));
  let labels;
  try {
    labels = collectLabels(root, families);
  } catch (e) {
    if (e instanceof LabelError) {
      console.error(`malformed label: ${e.message}`);
      process.exitCode = 2;
      return;
    }
    throw e;
  }
  const scan = await scanPaths([root], { rules: allRules });
  const famOf = new Map(allRules.map((r) => [r.meta.id, r.meta.family as string]));
  const report = scoreFindings(labels, scan.findings, (id) => famOf.get(id));
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  for (const [lang, r] of Object.entries(report.byLanguage)) {
    console.log(`\n${RULE_SETS.find((r) => r.id === lang)?.docsLabel ?? lang}`);
    console.log('| family | TP | FP | FN | recall | precision |');
    console.log('|---|---|---|---|---|---|');
    for (const [fam, s] of Object.entries(r.families)) console.log(`| ${fam} | ${s.tp} | ${s.fp} | ${s.fn} | ${pct(s.recall)} | ${pct(s.precision)} |`);
    const o = r.overall;
    console.log(`| **overall** | ${o.tp} | ${o.fp} | ${o.fn} | **${pct(o.recall)}** | **${pct(o.precision)}** |`);
  }
  console.log(`\n${labels.filter((l) => l.kind === 'VULN').length} VULN and ${labels.filter((l) => l.kind === 'SAFE').length} SAFE labels in ${scan.filesScanned} files`);
  if (process.argv.includes('--verbose')) {
    console.log('\nFalse negatives:\n' + (report.falseNegatives.join('\n') || '(none)'));
    console.log('\nFalse positives:\n' + (report.falsePositives.join('\n') || '(none)'));
  } else console.log(`${report.falseNegatives.length} false negatives, ${report.falsePositives.length} false positives (--verbose lists them)`);
  const out = path.join(__dirname, '..', '..', 'test-output');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'quality.json'), JSON.stringify(report, null, 2));
}

void main();
