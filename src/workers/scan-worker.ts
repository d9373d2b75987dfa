/**
 * Worker-thread entry for workspace scans: its own parser and rules, one file per message.
 * Rules are named by id (functions cannot cross threads), from the same registry as the CLI.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { probeRules } from '../checklist/probes';
import { readDiscovered } from '../core/discovery';
import { Analyzer } from '../core/engine';
import { detectLanguage, isTestPath } from '../core/languages';
import { ScanIndexes } from '../core/workspace-index';
import type { FileOutcome, WorkerSetup } from '../core/parallel-scan';
import { ensureLanguages, ParserCrashError } from '../core/parser';
import { GuardedReadError } from '../core/safe-fs';
import { skipForRefusal } from '../core/skip-reasons';
import { countLines, decodeSource } from '../core/scanner';
import type { LanguageId } from '../core/types';
import { allRules } from '../rules';

const setup = workerData as WorkerSetup;
const registry = new Map([...allRules, ...probeRules].map((r) => [r.meta.id, r]));
const unknown = setup.ruleIds.filter((id) => !registry.has(id));
if (unknown.length) throw new Error(`scan worker: unknown rule(s) ${unknown.join(', ')}`);
const analyzer = new Analyzer(setup.ruleIds.map((id) => registry.get(id)!));
// Each worker keeps its own index over the same files: summaries are made where they are needed.
const indexes = setup.crossFileRoots ? new ScanIndexes(new Map(setup.crossFileRoots), analyzer) : undefined;
const indexLanguages = new Set((setup.crossFileRoots ?? []).flatMap(([, files]) => files.map((f) => detectLanguage(f)).filter((l): l is LanguageId => !!l)));

parentPort!.on('message', async (job: { index: number; path: string; relPath: string; language: LanguageId; root?: string }) => {
  const out: FileOutcome = { index: job.index };
  let buf: Buffer;
  try {
    buf = readDiscovered(job, setup.maxFileBytes);
  } catch (e) {
    const s = e instanceof GuardedReadError ? skipForRefusal(e) : { reason: 'unreadable' as const, detail: (e as Error)?.message };
    out.refused = { reason: s.reason, detail: s.detail };
    parentPort!.postMessage(out);
    return;
  }
  try {
    await ensureLanguages([job.language, ...indexLanguages]);
    const text = decodeSource(buf);
    const ruleErrors: { ruleId: string; message: string }[] = [];
    const a = analyzer.analyzeSync(job.path, text, job.language, {
      testPaths: setup.testPaths,
      isTestFile: isTestPath(job.relPath),
      onRuleError: (ruleId, _file, e) => ruleErrors.push({ ruleId, message: String((e as Error)?.message ?? e) }),
      workspace: indexes?.forFile(job),
    });
    a.tree.delete();
    const deps = indexes?.indexOf(job)?.dependenciesOf(job.path);
    if (deps && Object.keys(deps).length) out.deps = deps;
    out.findings = a.findings;
    out.lines = countLines(text);
    if (ruleErrors.length) out.ruleErrors = ruleErrors;
  } catch (e) {
    out.error = (e as Error)?.message ?? String(e);
    if (e instanceof ParserCrashError) out.crashed = true;
  }
  parentPort!.postMessage(out);
});
