/**
 * Worker-thread entry for workspace scans: its own parser and rules, one file per message.
 * Rules are named by id (functions cannot cross threads), from the same registry as the CLI.
 */
import * as fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { probeRules } from '../checklist/probes';
import { Analyzer } from '../core/engine';
import { isTestPath } from '../core/languages';
import type { FileOutcome, WorkerSetup } from '../core/parallel-scan';
import { ensureLanguages } from '../core/parser';
import { countLines, decodeSource } from '../core/scanner';
import type { LanguageId } from '../core/types';
import { allRules } from '../rules';

const setup = workerData as WorkerSetup;
const registry = new Map([...allRules, ...probeRules].map((r) => [r.meta.id, r]));
const unknown = setup.ruleIds.filter((id) => !registry.has(id));
if (unknown.length) throw new Error(`scan worker: unknown rule(s) ${unknown.join(', ')}`);
const analyzer = new Analyzer(setup.ruleIds.map((id) => registry.get(id)!));

parentPort!.on('message', async (job: { index: number; path: string; relPath: string; language: LanguageId }) => {
  const out: FileOutcome = { index: job.index };
  try {
    await ensureLanguages([job.language]);
    const text = decodeSource(fs.readFileSync(job.path));
    const ruleErrors: { ruleId: string; message: string }[] = [];
    const a = analyzer.analyzeSync(job.path, text, job.language, {
      testPaths: setup.testPaths,
      isTestFile: isTestPath(job.relPath),
      onRuleError: (ruleId, _file, e) => ruleErrors.push({ ruleId, message: String((e as Error)?.message ?? e) }),
    });
    a.tree.delete();
    out.findings = a.findings;
    out.lines = countLines(text);
    if (ruleErrors.length) out.ruleErrors = ruleErrors;
  } catch (e) {
    out.error = (e as Error)?.message ?? String(e);
  }
  parentPort!.postMessage(out);
});
