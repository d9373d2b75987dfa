/**
 * Property-based fuzzing of every front end that takes workspace input: the engine with all
 * rules (Python, JS, TS, TSX), text rules, the suppression parser and the checklist state
 * reader. Shared by `npm run fuzz` (many runs) and test/fuzz.test.ts (a small run in `npm test`).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { Analyzer } from '../../src/core/engine';
import { ensureLanguages, ParserCrashError } from '../../src/core/parser';
import { parseSuppression } from '../../src/core/suppressions';
import { analyzeTextFile } from '../../src/core/text-analysis';
import type { LanguageId } from '../../src/core/types';
import { ChecklistStateError, readState } from '../../src/checklist/state';
import { allRules } from '../../src/rules';
import { readNpmLock, readPackageJson } from '../../src/deps/npm-manifests';
import { readPipfile, readPyproject, readRequirements } from '../../src/deps/python-manifests';
import { cpuTime } from '../cpu-time';

const ROOT = path.join(__dirname, '..', '..', '..');

export interface FuzzStats {
  property: string;
  runs: number;
  failures: string[];
  /** CPU time (this process) of the costliest input. */
  slowest: { ms: number; sample: string };
  /**
   * Inputs that cost more than SLOW_CPU_MS of CPU time: reported, and the run goes on. CPU time,
   * not the wall clock, so a busy machine does not make inputs slow.
   */
  slow: { ms: number; size: number; sample: string }[];
  /**
   * Inputs on which tree-sitter trapped inside WebAssembly (see test/parser-crash.test.ts): the
   * file is reported as not analysed and the next input runs on a new instance. Counted, with
   * their sizes, rather than failed: SiteWarden itself kept working.
   */
  parserCrashes?: { count: number; sizes: number[] };
}

/** Seeds: the fixtures and the labelled corpus, by language. */
export function seedCorpus(): Record<'python' | 'js' | 'text', string[]> {
  const out = { python: [] as string[], js: [] as string[], text: [] as string[] };
  const walk = (dir: string): void => {
    let entries: fs.Dirent[] = [];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && fs.statSync(p).size < 200_000) {
        const text = fs.readFileSync(p, 'utf8');
        if (p.endsWith('.py')) out.python.push(text);
        else if (/\.[cm]?[jt]sx?$/.test(p)) out.js.push(text);
        else out.text.push(text);
      }
    }
  };
  walk(path.join(ROOT, 'test', 'fixtures'));
  walk(path.join(ROOT, 'test', 'corpus'));
  if (out.python.length === 0) out.python.push('import os\nos.system(cmd)\n');
  if (out.js.length === 0) out.js.push("const cp = require('child_process');\ncp.exec(cmd);\n");
  if (out.text.length === 0) out.text.push('SECRET=abc\n');
  return out;
}

/** Edits that keep most of a seed and break it in the ways real files are broken. */
function mutated(seeds: string[]): fc.Arbitrary<string> {
  const edit = fc.oneof(
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), s: fc.string({ unit: 'binary', maxLength: 40 }) }),
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.nat({ max: 80 }) }),
    fc.record({ kind: fc.constant('dup' as const), at: fc.nat(), len: fc.nat({ max: 200 }) }),
    fc.record({ kind: fc.constant('nest' as const), at: fc.nat(), depth: fc.integer({ min: 1, max: 3000 }), open: fc.constantFrom('(', '[', '{', 'f(', '"""', '`${') }),
    fc.record({ kind: fc.constant('bytes' as const), at: fc.nat(), s: fc.constantFrom('\u0000', '\ufeff', '\r\n', '\ud800', '\u202e', '\ufffd\ufffd', '\t\t\t') }),
  );
  return fc.tuple(fc.constantFrom(...seeds), fc.array(edit, { maxLength: 6 })).map(([seed, edits]) => {
    let s = seed;
    for (const e of edits) {
      const at = s.length ? e.at % (s.length + 1) : 0;
      if (e.kind === 'insert') s = s.slice(0, at) + e.s + s.slice(at);
      else if (e.kind === 'delete') s = s.slice(0, at) + s.slice(at + e.len);
      else if (e.kind === 'dup') s = s.slice(0, at) + s.slice(at, at + e.len) + s.slice(at);
      else if (e.kind === 'nest') s = s.slice(0, at) + e.open.repeat(e.depth) + s.slice(at);
      else s = s.slice(0, at) + e.s + s.slice(at);
    }
    return s;
  });
}

/** An input costing more CPU time than this is listed as slow (the editor re-checks as you type). */
export const SLOW_CPU_MS = 1000;

/** Keeps the costliest input, and lists every input above SLOW_CPU_MS (the first 50). */
function noteCost(s: FuzzStats, ms: number, text: string): void {
  if (ms > s.slowest.ms) s.slowest = { ms, sample: text.slice(0, 120) };
  if (ms > SLOW_CPU_MS && s.slow.length < 50) s.slow.push({ ms, size: text.length, sample: text.slice(0, 120) });
}

export async function runFuzz(runsPerProperty: number, seed?: number): Promise<FuzzStats[]> {
  await ensureLanguages(['python', 'javascript', 'typescript', 'tsx']);
  const seeds = seedCorpus();
  const analyzer = new Analyzer(allRules);
  const stats: FuzzStats[] = [];
  const params = { numRuns: runsPerProperty, seed, endOnFailure: true };

  const engineProperty = async (name: string, lang: LanguageId, file: string, arb: fc.Arbitrary<string>): Promise<void> => {
    const s: FuzzStats = { property: name, runs: 0, failures: [], slowest: { ms: 0, sample: '' }, slow: [], parserCrashes: { count: 0, sizes: [] } };
    await fc.assert(
      fc.asyncProperty(arb, async (text) => {
        s.runs++;
        const errors: string[] = [];
        // Languages are loaded again after a parser crash replaced the instance (free otherwise).
        await ensureLanguages([lang]);
        const [, ms] = cpuTime(() => {
          let a;
          try {
            a = analyzer.analyzeSync(file, text, lang, { onRuleError: (id, _f, e) => errors.push(`${id}: ${(e as Error)?.stack ?? e}`) });
          } catch (e) {
            if (!(e instanceof ParserCrashError)) throw e;
            s.parserCrashes!.count++;
            s.parserCrashes!.sizes.push(text.length);
            return;
          }
          for (const f of a.findings) {
            if (f.range.start.line < 0 || f.range.end.line < f.range.start.line) errors.push(`bad range from ${f.ruleId}`);
          }
          a.tree.delete();
        });
        noteCost(s, ms, text);
        if (errors.length) s.failures.push(errors[0]);
        return errors.length === 0;
      }),
      params,
    );
    stats.push(s);
  };

  await engineProperty('engine: Python', 'python', 'app.py', mutated(seeds.python));
  await engineProperty('engine: JavaScript', 'javascript', 'app.js', mutated(seeds.js));
  await engineProperty('engine: TypeScript', 'typescript', 'app.ts', mutated(seeds.js));
  await engineProperty('engine: TSX', 'tsx', 'app.tsx', mutated(seeds.js));
  await engineProperty('engine: Python, arbitrary text', 'python', 'app.py', fc.string({ unit: 'grapheme', maxLength: 400 }));
  await engineProperty('engine: JS, arbitrary text', 'javascript', 'app.js', fc.string({ unit: 'grapheme', maxLength: 400 }));

  const textRules = allRules.filter((r) => r.meta.language === 'text');
  {
    const s: FuzzStats = { property: 'text rules', runs: 0, failures: [], slowest: { ms: 0, sample: '' }, slow: [] };
    const names = ['.env', 'config.yml', 'templates/page.html', 'views/page.ejs', 'views/page.pug', 'settings.ini', 'Dockerfile'];
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.oneof(mutated(seeds.text), fc.string({ unit: 'binary', maxLength: 500 })), (name, text) => {
        s.runs++;
        const errors: string[] = [];
        const [, ms] = cpuTime(() => analyzeTextFile(name, name, text, textRules, { isTestFile: false, onRuleError: (id, _f, e) => errors.push(`${id}: ${e}`) }));
        noteCost(s, ms, text);
        if (errors.length) s.failures.push(errors[0]);
        return errors.length === 0;
      }),
      params,
    );
    stats.push(s);
  }
  {
    const s: FuzzStats = { property: 'suppression parser', runs: 0, failures: [], slowest: { ms: 0, sample: '' }, slow: [] };
    const comment = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.tuple(fc.constantFrom('# ', '// ', '/* '), fc.constantFrom('sitewarden-ignore', 'nosec', 'sitewarden-ignore['), fc.string({ maxLength: 60 })).map(([a, b, c]) => a + b + c),
    );
    fc.assert(
      fc.property(comment, fc.nat({ max: 10000 }), fc.boolean(), (text, line, standalone) => {
        s.runs++;
        const r = parseSuppression(text, line, standalone);
        return r === undefined || (Array.isArray(r.ids) && typeof r.justification === 'string');
      }),
      params,
    );
    stats.push(s);
  }
  {
    const s: FuzzStats = { property: 'checklist state reader', runs: 0, failures: [], slowest: { ms: 0, sample: '' }, slow: [] };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-fuzz-state-'));
    fs.mkdirSync(path.join(dir, '.sitewarden'));
    const file = path.join(dir, '.sitewarden', 'checklist.json');
    const doc = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue()).map((items) => JSON.stringify({ version: 1, items })),
    );
    fc.assert(
      fc.property(doc, (text) => {
        s.runs++;
        fs.writeFileSync(file, text);
        try {
          readState(dir);
          return true;
        } catch (e) {
          if (e instanceof ChecklistStateError) return true;
          s.failures.push(String(e));
          return false;
        }
      }),
      params,
    );
    stats.push(s);
  }
  {
    // Manifest readers: malformed input must give problems, not throw; costly inputs are listed.
    const s: FuzzStats = { property: 'manifest readers', runs: 0, failures: [], slowest: { ms: 0, sample: '' }, slow: [] };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-fuzz-manifest-'));
    const kinds: Record<string, { seed: string[]; read: (file: string) => unknown }> = {
      'package.json': { seed: ['{\n  "name": "a",\n  "dependencies": { "express": "^4.17.1", "lodash": "4.17.15" },\n  "devDependencies": { "@types/node": "~20.1.0" }\n}\n'], read: (f) => readPackageJson(f) },
      'package-lock.json': { seed: ['{"lockfileVersion":3,"packages":{"":{},"node_modules/lodash":{"version":"4.17.15"}}}'], read: () => readNpmLock(dir) },
      'yarn.lock': { seed: ['lodash@^4.17.15:\n  version "4.17.15"\n  resolved "x"\n\n"@a/b@^1", "@a/b@^1.2":\n  version "1.2.0"\n'], read: () => readNpmLock(dir) },
      'requirements.txt': { seed: ['flask==2.0.1\nrequests>=2.0,<3 ; python_version >= "3.8"\n-r requirements.txt\n--index-url https://example.org/simple\nDjango[argon2]~=4.2  # comment\n'], read: (f) => readRequirements(f) },
      'pyproject.toml': { seed: ['[project]\nname = "a"\ndependencies = ["flask>=2", "requests==2.32.3"]\n\n[tool.poetry.dependencies]\npython = "^3.11"\ndjango = "^4.2"\n'], read: (f) => readPyproject(f) },
      Pipfile: { seed: ['[packages]\nflask = "==2.0.1"\nrequests = "*"\n\n[dev-packages]\npytest = ">=7"\n'], read: (f) => readPipfile(f) },
    };
    const names = Object.keys(kinds);
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.nat(), fc.string({ unit: 'binary', maxLength: 400 }), fc.boolean(), (name, pick, raw, useRaw) => {
        s.runs++;
        const k = kinds[name];
        const text = useRaw ? raw : fc.sample(mutated(k.seed), { numRuns: 1, seed: pick })[0];
        for (const f of fs.readdirSync(dir)) fs.rmSync(path.join(dir, f));
        const file = path.join(dir, name);
        fs.writeFileSync(file, text);
        let ms: number;
        try {
          [, ms] = cpuTime(() => k.read(file));
        } catch (e) {
          s.failures.push(`${name}: ${String(e)}`);
          return false;
        }
        noteCost(s, ms, `${name}: ${text}`);
        return true;
      }),
      params,
    );
    stats.push(s);
  }
  return stats;
}
