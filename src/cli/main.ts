import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_TEST_PATH_MODE, TEST_PATH_MODES, type TestPathMode } from '../core/languages';
import { automationIdFor, toSarif } from '../core/report/sarif';
import { BaselineError, compareWithBaseline, readBaseline, type BaselineEntry } from '../core/report/baseline';
import { stableFingerprints } from '../core/report/fingerprint';
import { changedLinesSince, DiffBaseError, fileChanged, touchesChangedLines, type ChangedLines } from '../core/changed-lines';
import { formatText, printable, relativeTo, toJsonFindings } from '../core/report/text';
import { scanCoverage, scanPaths } from '../core/scanner';
import { DiskScanCache } from '../core/scan-cache';
import { cacheFolder } from '../core/cache-folder';
import { rootContaining, UnsafeWriteError, writeInsideRoot } from '../core/safe-fs';
import { countByReason, describeSkip, type SkippedEntry } from '../core/skip-reasons';
import { scanWorkerScript } from '../workers/locate';
import { enableCompileCache } from '../core/parallel-scan';
import { SEVERITY_ORDER, severityRank, type Severity } from '../core/types';
import { allRules } from '../rules';
import { checklistCommand } from './checklist-command';
import { formatModels } from './models-command';
import { generateCommand } from './generate-command';
import { contactedLine, contactedNotice, depsCommand, workspaceConfigMode } from './deps-command';
import { checkDependencies } from '../deps/check';
import { coverageLine } from '../deps/tree-coverage';
import { cacheTtlMs, omitKinds } from './deps-command';
import { DEPENDENCY_RULES } from '../deps/rules';

declare const SITEWARDEN_VERSION: string | undefined;
const VERSION = typeof SITEWARDEN_VERSION === 'string' ? SITEWARDEN_VERSION : '0.0.0-dev';

/** Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or fatal error, 3 incomplete (a check could not run). */
export const EXIT = { ok: 0, findings: 1, usage: 2, incomplete: 3 } as const;

class UsageError extends Error {}

/**
 * What produced the cached findings: the version and a digest of the running bundle, so that any
 * change to rules or engine (even without a version bump, as in development) misses the cache.
 */
function engineVersion(): string {
  try {
    return `${VERSION}+${createHash('sha256').update(fs.readFileSync(__filename)).digest('hex').slice(0, 16)}`;
  } catch {
    return `${VERSION}+${Date.now()}`; // unknown code: never reuse what it wrote
  }
}

/**
 * --output inside the working folder or a scanned folder (in CI: the checkout of the pull
 * request) is written without following links, so a committed `report.sarif -> ~/.bashrc` is
 * refused; a path elsewhere is the user's own and written as given.
 */
function writeReport(file: string, report: string, roots: string[], option = '--output'): void {
  const root = rootContaining(roots, file);
  try {
    if (root) return void writeInsideRoot(root, file, report);
  } catch (e) {
    if (e instanceof UnsafeWriteError) throw new UsageError(`${option}: ${printable(e.message)}`);
    throw e;
  }
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, report);
}

/** SARIF URIs are percent-encoded; a malformed one (not written by us) is used as it is. */
function safeDecode(uri: string): string {
  try {
    return decodeURIComponent(uri);
  } catch {
    return uri;
  }
}

const HELP = `SiteWarden ${VERSION}: security checks for Flask, Django and Express code.

Usage:
  sitewarden scan [PATH...] [options]    scan files and folders (default: .)
  sitewarden deps [PATH] [--npm-registry URL] [--pypi-index URL] [--offline] [--format text|json]
                  [--trust-workspace-config] [--omit dev] [--cache-ttl SECONDS]
                                         outdated, deprecated, yanked and vulnerable packages
  sitewarden rules                       list the rules
  sitewarden models [--format text|markdown]
                                         list the modelled sources, sinks, sanitisers, propagators
  sitewarden checklist [PATH] [--format text|json|markdown]
                                         the security checklist of a workspace
  sitewarden generate headers|encryption|fingerprint|incident-response [PATH]
                    [--framework flask|django|express] [--profile production|development]
                    [--language python|node] [--dry-run]
                                         add secure configuration, shown as a diff first
  sitewarden --help | --version

Options for scan:
  --format text|json|sarif     output format (default: text)
  --output FILE                write the report to FILE instead of stdout
  --fail-on LEVEL              none|low|medium|high|critical: exit 1 when an unsuppressed
                               finding has at least this severity (default: low)
  --min-severity LEVEL         leave out findings below LEVEL (default: low)
  --exclude GLOB               gitignore-style pattern to skip (repeatable)
  --include GLOB               gitignore-style pattern to scan even where a default skip applies
                               (.gitignore, node_modules, build output, vendored, minified or
                               generated files); never past the size, symlink or binary guards
  --strict                     what the repository excludes (.gitignore, node_modules, build
                               and virtualenv folders, symlinks) makes the run incomplete
                               (exit 3): for CI on untrusted pull requests
  --test-paths MODE            demote|ignore|normal: tests, fixtures and examples get lower
                               severity (default demote), are skipped, or count as production
  --offline                    make no network calls (no dependency check)
  --no-deps                    skip the dependency check
  --no-cross-file              analyse each file alone (do not follow calls into other files)
  --workers N                  worker threads besides this one, which analyses too (default:
                               one per core but one; 0: this thread only)
  --npm-registry URL           npm registry to check packages against (default: from .npmrc)
  --pypi-index URL             base of the PyPI JSON API (default: https://pypi.org/pypi)
  --trust-workspace-config     let the workspace .npmrc set credentials, proxies and TLS keys
                               (default: it may only name registries)
  --omit dev                   leave dev dependencies out of the dependency check
  --cache-ttl SECONDS          registry answers younger than this are used from the cache
                               (default 3600); older ones are asked again, and used only when
                               the registry cannot be reached: marked stale, exit 3
  --baseline FILE              a previous SARIF or JSON report of scan: only findings not in
                               it are shown and count for the exit code; SARIF keeps them all
                               with baselineState new|unchanged|updated, plus the fixed ones
                               as absent (matched by fingerprint: moved code is unchanged)
  --write-baseline FILE        also write this run's findings to FILE (SARIF) as a baseline
  --diff-base REF              git checkouts: analyse everything, report findings on lines
                               changed since the merge base of REF and HEAD only (exit 2 when
                               REF or the merge base is not in the checkout, e.g. shallow)
  --cache-dir DIR              keep per-file scan results in DIR (default: the scan folder
                               of $XDG_CACHE_HOME/sitewarden, else ~/.cache/sitewarden/scan);
                               an unchanged file (same path, content, rules, settings and
                               SiteWarden build) is not analysed again
  --no-cache                   neither read nor write the scan cache
  --no-progress                no progress on stderr

Exit codes: 0 nothing at or above --fail-on, 1 findings, 2 usage or fatal error, 3 incomplete
(a file that should have been analysed was not: too large, binary, unreadable, a FIFO, swapped
for a link, a parser crash; or the dependency check could not run). Incomplete with findings is
exit 1, and stderr and SARIF (executionSuccessful: false) still say incomplete.
Suppress a finding with  # sitewarden-ignore[RULE-ID]: reason  (// in JS/TS) on the line or the
line before; Bandit's # nosec is honoured too.
`;

function level(name: string, v: string | undefined, allowNone: boolean): Severity | 'none' | undefined {
  if (v === undefined) return undefined;
  const s = v.toLowerCase();
  if (allowNone && s === 'none') return 'none';
  if ((SEVERITY_ORDER as readonly string[]).includes(s)) return s as Severity;
  throw new UsageError(`--${name} must be one of ${allowNone ? 'none, ' : ''}${SEVERITY_ORDER.join(', ')} (got "${v}")`);
}

async function scan(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      format: { type: 'string', default: 'text' },
      output: { type: 'string', short: 'o' },
      'fail-on': { type: 'string', default: 'low' },
      'min-severity': { type: 'string', default: 'low' },
      exclude: { type: 'string', multiple: true },
      include: { type: 'string', multiple: true },
      'test-paths': { type: 'string', default: DEFAULT_TEST_PATH_MODE },
      offline: { type: 'boolean', default: false },
      'no-deps': { type: 'boolean', default: false },
      'no-cross-file': { type: 'boolean', default: false },
      workers: { type: 'string' },
      'trust-workspace-config': { type: 'boolean', default: false },
      omit: { type: 'string', multiple: true },
      'cache-ttl': { type: 'string' },
      'no-progress': { type: 'boolean', default: false },
      'cache-dir': { type: 'string' },
      'no-cache': { type: 'boolean', default: false },
      strict: { type: 'boolean', default: false },
      'npm-registry': { type: 'string' },
      'pypi-index': { type: 'string' },
      baseline: { type: 'string' },
      'write-baseline': { type: 'string' },
      'diff-base': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return EXIT.ok;
  }
  const format = values.format!;
  if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError(`--format must be text, json or sarif (got "${format}")`);
  const failOn = level('fail-on', values['fail-on'], true)!;
  const minSeverity = level('min-severity', values['min-severity'], false) as Severity;
  const testPaths = values['test-paths'] as TestPathMode;
  if (!TEST_PATH_MODES.includes(testPaths)) throw new UsageError(`--test-paths must be demote, ignore or normal (got "${testPaths}")`);
  const workers = values.workers === undefined ? undefined : Number(values.workers);
  if (workers !== undefined && !(Number.isInteger(workers) && workers >= 0)) throw new UsageError(`--workers must be a whole number, 0 or more (got "${printable(values.workers!)}")`);
  const paths = positionals.length ? positionals : ['.'];
  for (const p of paths) if (!fs.existsSync(p)) throw new UsageError(`no such file or directory: ${p}`);

  const cwd = process.cwd();
  // Both are checked before the scan: a shallow clone or a missing baseline fails in a second,
  // not after analysing the whole project.
  let baseline: BaselineEntry[] | undefined;
  let changed: ChangedLines | undefined;
  try {
    if (values.baseline !== undefined) baseline = readBaseline(values.baseline);
    if (values['diff-base'] !== undefined) changed = changedLinesSince(cwd, values['diff-base']);
  } catch (e) {
    if (e instanceof BaselineError || e instanceof DiffBaseError) throw new UsageError(printable(e.message));
    throw e;
  }
  const progress = !values['no-progress'] && process.stderr.isTTY;
  let lastDraw = 0;
  if (values['no-cache'] && values['cache-dir'] !== undefined) throw new UsageError('--cache-dir and --no-cache exclude each other');
  const cache = values['no-cache'] ? undefined : new DiskScanCache(values['cache-dir'] !== undefined ? path.resolve(values['cache-dir']) : cacheFolder('scan'), { ruleIds: allRules.map((r) => r.meta.id) });
  const result = await scanPaths(paths, {
    rules: allRules,
    cache,
    engineVersion: cache ? engineVersion() : undefined,
    exclude: values.exclude,
    include: values.include,
    testPaths,
    crossFile: !values['no-cross-file'],
    // Workers on the other cores, started while discovery runs; this thread analyses too.
    parallel: { script: scanWorkerScript(), mainThread: true, ...(workers !== undefined ? { workers } : {}) },
    // printable(): a file name from the workspace may hold terminal escapes or newlines.
    onRuleError: (id, file, e) => process.stderr.write(`sitewarden: rule ${id} failed on ${printable(relativeTo(cwd, file))}: ${printable(String((e as Error)?.message ?? e))}\n`),
    onProgress: progress
      ? (done, total) => {
          const now = Date.now();
          if (now - lastDraw < 100 && done < total) return;
          lastDraw = now;
          process.stderr.write(`\rScanning ${done}/${total} files…${done === total ? '\n' : ''}`);
        }
      : undefined,
  });

  // Dependencies: checked unless --offline or --no-deps; an outage makes the run incomplete (exit 3).
  let depNotices: { host: string; message: string; stale: boolean; note?: boolean }[] = [];
  let depProblems: { file: string; message: string }[] = [];
  let incomplete = false;
  if (!values.offline && !values['no-deps']) {
    const deps = await checkDependencies(paths, { npmRegistry: values['npm-registry'], pypiIndex: values['pypi-index'], env: process.env, workspaceConfig: workspaceConfigMode(values['trust-workspace-config']), omit: omitKinds(values.omit, (m) => new UsageError(m)), ttlMs: cacheTtlMs(values['cache-ttl'], (m) => new UsageError(m)) });
    result.findings.push(...deps.findings);
    depNotices = [...deps.notices, ...contactedNotice(deps)];
    process.stderr.write(contactedLine(deps));
    if (deps.coverage) for (const l of coverageLine(deps.coverage, (f) => relativeTo(cwd, f))) process.stderr.write(`sitewarden: dependencies: ${printable(l)}\n`);
    incomplete = deps.incomplete;
    for (const n of deps.notices) process.stderr.write(`sitewarden: ${n.note ? 'note' : 'incomplete'}: ${printable(n.message)}\n`);
    // Manifests that could not be read (malformed JSON/TOML, include cycles) were dropped without a
    // word, so a broken package.json looked like a project without dependencies: say so.
    depProblems = deps.problems;
    for (const p of deps.problems) process.stderr.write(`sitewarden: warning: ${printable(relativeTo(cwd, p.file))}: ${printable(p.message)}\n`);
  }
  // Fingerprints over every finding, in report order (the occurrence counter depends on the list),
  // so SARIF, JSON and a written baseline agree whatever each of them leaves out.
  const fps = stableFingerprints(result.findings, (f) => path.relative(cwd, path.resolve(f.file)));
  const fingerprints = new Map(result.findings.map((f, i) => [f, fps[i]]));
  const fingerprintOf = (f: (typeof result.findings)[number]) => fingerprints.get(f)!;
  const comparison = baseline ? compareWithBaseline(result.findings, fingerprintOf, baseline) : undefined;
  const onChangedLines = (f: (typeof result.findings)[number]) => !changed || touchesChangedLines(changed, f.file, f.range.start.line, f.range.end.line);
  const atLevel = result.findings.filter((f) => severityRank(f.severity) >= severityRank(minSeverity));
  // SARIF keeps suppressed and baseline findings (marked); text, JSON and the exit code see new ones only.
  const kept = atLevel.filter(onChangedLines);
  const shown = kept.filter((f) => !f.suppression && (!comparison || comparison.stateOf(f) === 'new'));
  if (changed) process.stderr.write(`sitewarden: --diff-base ${printable(values['diff-base']!)}: ${kept.length} of ${atLevel.length} finding(s) on changed lines (${changed.size} changed file(s))\n`);
  // Fixed findings outside the diff are not this change's doing.
  const absent = comparison ? comparison.absent.filter((b) => !changed || fileChanged(changed, path.resolve(cwd, safeDecode(b.uri)))) : [];
  if (comparison) {
    const c = comparison.counts;
    process.stderr.write(`sitewarden: baseline: ${shown.length} new finding(s) shown; in the baseline: ${c.unchanged} unchanged, ${c.updated} updated, ${absent.length} fixed (absent)\n`);
  }
  const automationId = automationIdFor(paths, cwd);
  if (values['write-baseline'] !== undefined) {
    const written = JSON.stringify(toSarif({ rules: [...allRules, ...DEPENDENCY_RULES], findings: atLevel, baseDir: cwd, toolVersion: VERSION, fingerprintOf, automationId }), null, 2) + '\n';
    writeReport(values['write-baseline'], written, [cwd, ...paths], '--write-baseline');
    process.stderr.write(`sitewarden: baseline of ${atLevel.length} finding(s) written to ${printable(values['write-baseline'])}\n`);
  }
  // Files that should have been analysed and were not make the run incomplete (exit 3, or 1 with
  // findings, said on stderr either way): a padded, binary-looking or parser-crashing file must
  // not pass a CI gate as a clean project would.
  const coverage = scanCoverage(result, values.strict);
  // Failed analyses have their own 'could not analyse' notification (level error) below.
  const notAnalysed = coverage.incomplete.filter((s) => s.reason !== 'parser-crash' && s.reason !== 'analysis-error');
  incomplete ||= coverage.incomplete.length > 0;
  if (coverage.incomplete.length) {
    process.stderr.write(`sitewarden: incomplete: ${coverage.incomplete.length} path(s) not analysed (${countByReason(coverage.incomplete)})${values.strict ? '; --strict counts what the repository excludes' : ''}\n`);
    // The text report lists them all on stdout; other formats get the first ones named here.
    const listed = format === 'text' && !values.output ? [] : coverage.incomplete;
    for (const s of listed.slice(0, 20)) process.stderr.write(`sitewarden:   ${printable(relativeTo(cwd, s.path))}: ${printable(describeSkip(s))}\n`);
    if (listed.length > 20) process.stderr.write(`sitewarden:   … and ${coverage.incomplete.length - 20} more (all are in the report)\n`);
  }
  for (const n of result.notices) process.stderr.write(`sitewarden: note: ${printable(relativeTo(cwd, n.path))}: ${printable(n.message)}\n`);
  let report: string;
  if (format === 'sarif') {
    const said = { incomplete: 'not analysed, the run is incomplete', 'excluded-by-user': 'excluded by you', 'excluded-by-repository': 'excluded by the repository' } as const;
    const skipNote = (kind: keyof typeof said) => (s: SkippedEntry) => ({
      level: kind === 'incomplete' ? ('warning' as const) : ('note' as const),
      message: `${describeSkip(s)}: ${said[kind]}`,
      uri: relativeTo(cwd, s.path),
      properties: { reason: s.reason, kind },
    });
    const notifications = [
      ...depNotices.map((n) => ({ level: n.note ? ('note' as const) : n.stale ? ('warning' as const) : ('error' as const), message: n.message })),
      ...depProblems.map((p) => ({ level: 'warning' as const, message: `dependency check: ${p.message}`, uri: relativeTo(cwd, p.file) })),
      ...result.errors.map((e) => ({ level: 'error' as const, message: `could not analyse: ${e.message}`, uri: relativeTo(cwd, e.path), properties: { reason: e.reason, kind: 'incomplete' } })),
      ...notAnalysed.map(skipNote('incomplete')),
      ...coverage.excludedByRepository.map(skipNote('excluded-by-repository')),
      ...coverage.excludedByUser.map(skipNote('excluded-by-user')),
      ...result.notices.map((n) => ({ level: 'warning' as const, message: n.message, uri: relativeTo(cwd, n.path) })),
    ];
    report = JSON.stringify(toSarif({ rules: [...allRules, ...DEPENDENCY_RULES], findings: kept, baseDir: cwd, toolVersion: VERSION, notifications, executionSuccessful: !incomplete, fingerprintOf, automationId, baseline: comparison ? { stateOf: comparison.stateOf, absent } : undefined }), null, 2) + '\n';
  } else if (format === 'json') {
    report = JSON.stringify(toJsonFindings(shown, cwd, fingerprintOf), null, 2) + '\n';
  } else {
    report = formatText(result, shown, cwd, !values.output && !!process.stdout.isTTY, coverage);
  }
  if (values.output) {
    writeReport(values.output, report, [cwd, ...paths]);
    if (format !== 'text') process.stderr.write(`${shown.length} finding(s); report written to ${values.output}\n`);
  } else {
    process.stdout.write(report);
  }
  if (failOn !== 'none' && shown.some((f) => severityRank(f.severity) >= severityRank(failOn))) return EXIT.findings;
  return incomplete ? EXIT.incomplete : EXIT.ok;
}

function listRules(): number {
  for (const r of allRules) {
    process.stdout.write(`${r.meta.id.padEnd(34)} ${r.meta.severity.padEnd(8)} ${r.meta.cwe.join(',').padEnd(16)} ${r.meta.title}\n`);
  }
  process.stdout.write(`${allRules.length} rules\n`);
  return EXIT.ok;
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
      process.stdout.write(HELP);
      return cmd ? EXIT.ok : EXIT.usage;
    }
    if (cmd === '--version' || cmd === '-v') {
      process.stdout.write(`${VERSION}\n`);
      return EXIT.ok;
    }
    if (cmd === 'scan') return await scan(rest);
    if (cmd === 'rules') return listRules();
    if (cmd === 'models') {
      const format = rest[0] === '--format' ? rest[1] : rest.length ? '' : 'text';
      if (format !== 'text' && format !== 'markdown') throw new UsageError('usage: sitewarden models [--format text|markdown]');
      process.stdout.write(formatModels(format));
      return EXIT.ok;
    }
    if (cmd === 'checklist') return await checklistCommand(rest, (m) => new UsageError(m));
    if (cmd === 'generate') return await generateCommand(rest, (m) => new UsageError(m));
    if (cmd === 'deps') return await depsCommand(rest, (m) => new UsageError(m));
    throw new UsageError(`unknown command "${cmd}" (try: sitewarden --help)`);
  } catch (e) {
    const msg = e instanceof UsageError || (e as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS') ? (e as Error).message : `fatal: ${(e as Error)?.message ?? e}`;
    // printable(): messages quote workspace content (a checklist item id, a file name).
    process.stderr.write(`sitewarden: ${printable(msg.split('\n')[0])}\n`);
    return EXIT.usage;
  }
}

if (require.main === module) {
  enableCompileCache(); // Node ≥ 22.1: the modules loaded from here on (web-tree-sitter) start from the cache
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`sitewarden: fatal: ${(e as Error)?.message ?? e}\n`);
      process.exitCode = EXIT.usage;
    },
  );
}
