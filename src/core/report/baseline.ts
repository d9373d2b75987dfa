import { GuardedReadError, readGuardedText } from '../safe-fs';
import { SEVERITY_ORDER, type Finding, type Severity } from '../types';
import { FINGERPRINT_KEY, stableFingerprints } from './fingerprint';

/** SARIF 2.1.0 §3.27.24: how a result relates to the baseline run. */
export type BaselineState = 'new' | 'unchanged' | 'updated' | 'absent';

/** One finding of a previous report, as much of it as a comparison and an `absent` result need. */
export interface BaselineEntry {
  fingerprint: string;
  ruleId: string;
  message: string;
  /** Our severity when the report had it (SARIF `properties.severity`, JSON `severity`). */
  severity?: Severity;
  /** Artifact URI, relative and percent-encoded as SARIF writes it (a JSON report's path is encoded). */
  uri: string;
  region?: { startLine: number; startColumn?: number; endLine?: number; endColumn?: number };
}

export class BaselineError extends Error {}

/** A baseline is our own report, but it may be committed to the repository under scan: capped. */
export const MAX_BASELINE_BYTES = 64 * 1024 * 1024;

export function readBaseline(file: string): BaselineEntry[] {
  let text: string;
  try {
    // Not followed through a link and refused when a FIFO or device: a planted
    // `baseline.sarif -> /dev/zero` must not hang or exhaust the CI job.
    text = readGuardedText(file, { maxBytes: MAX_BASELINE_BYTES });
  } catch (e) {
    if (e instanceof GuardedReadError) throw new BaselineError(`--baseline: ${e.message}`);
    throw e;
  }
  return parseBaseline(text, file);
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) && v >= 1 ? v : undefined);
const severity = (v: unknown): Severity | undefined => ((SEVERITY_ORDER as readonly unknown[]).includes(v) ? (v as Severity) : undefined);

/**
 * Reads a previous `--format sarif` or `--format json` output of ours. Results without our
 * fingerprint (another tool's run in the same log, an `absent` result of an earlier comparison)
 * are not part of the baseline.
 */
export function parseBaseline(text: string, name: string): BaselineEntry[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new BaselineError(`--baseline: ${name} is not JSON (a SARIF or JSON report of sitewarden scan is expected)`);
  }
  if (Array.isArray(doc)) return fromJsonReport(doc, name);
  const runs = (doc as { runs?: unknown })?.runs;
  if (!Array.isArray(runs)) throw new BaselineError(`--baseline: ${name} is neither a SARIF log nor a JSON findings array`);
  const out: BaselineEntry[] = [];
  for (const run of runs) {
    if ((run as { tool?: { driver?: { name?: unknown } } })?.tool?.driver?.name !== 'SiteWarden') continue;
    const results = (run as { results?: unknown }).results;
    if (!Array.isArray(results)) continue;
    for (const r of results) {
      const fingerprint = str(r?.partialFingerprints?.[FINGERPRINT_KEY]);
      const ruleId = str(r?.ruleId);
      if (!fingerprint || !ruleId || r?.baselineState === 'absent') continue;
      const loc = r.locations?.[0]?.physicalLocation;
      const region = loc?.region;
      out.push({
        fingerprint,
        ruleId,
        message: str(r.message?.text) ?? '',
        severity: severity(r.properties?.severity),
        uri: str(loc?.artifactLocation?.uri) ?? '',
        region: num(region?.startLine) ? { startLine: region.startLine, startColumn: num(region.startColumn), endLine: num(region.endLine), endColumn: num(region.endColumn) } : undefined,
      });
    }
  }
  return out;
}

interface JsonFinding {
  ruleId: string;
  file: string;
  snippet: string;
  message?: unknown;
  severity?: unknown;
  fingerprint?: unknown;
  range?: { start?: { line?: unknown; column?: unknown }; end?: { line?: unknown; column?: unknown } };
}

function fromJsonReport(items: unknown[], name: string): BaselineEntry[] {
  const valid = items.filter((x): x is JsonFinding => typeof (x as JsonFinding)?.ruleId === 'string' && typeof (x as JsonFinding).file === 'string' && typeof (x as JsonFinding).snippet === 'string');
  if (valid.length !== items.length) throw new BaselineError(`--baseline: ${name}: ${items.length - valid.length} entr${items.length - valid.length === 1 ? 'y is' : 'ies are'} not findings of sitewarden scan --format json`);
  // Reports written before the JSON output carried fingerprints: computed the way the scan does.
  const computed = stableFingerprints(valid, (f) => f.file);
  const line = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v + 1 : undefined);
  return valid.map((f, i) => {
    const startLine = line(f.range?.start?.line);
    return {
      fingerprint: str(f.fingerprint) ?? computed[i],
      ruleId: f.ruleId,
      message: str(f.message) ?? '',
      severity: severity(f.severity),
      // As SARIF writes it (percent-encoded segments), so every entry's uri means the same.
      uri: f.file.split(/[\\/]/).map(encodeSegment).join('/'),
      region: startLine ? { startLine, startColumn: line(f.range?.start?.column), endLine: line(f.range?.end?.line), endColumn: line(f.range?.end?.column) } : undefined,
    };
  });
}

function encodeSegment(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    // A lone surrogate: the segment cannot be a URI; kept as it is rather than failing the run.
    return s;
  }
}

export interface BaselineComparison {
  stateOf(f: Finding): BaselineState;
  /** Baseline findings the current run no longer has (fixed, or their code deleted). */
  absent: BaselineEntry[];
  counts: Record<BaselineState, number>;
}

/**
 * Matches on the stable fingerprint only, so a finding moved by unrelated edits is `unchanged`;
 * `updated` is a matched finding whose message or severity changed (a new rule version, a
 * different tainted source on the same line).
 */
export function compareWithBaseline(findings: readonly Finding[], fingerprintOf: (f: Finding) => string, baseline: readonly BaselineEntry[]): BaselineComparison {
  const byFingerprint = new Map(baseline.map((b) => [b.fingerprint, b]));
  const states = new Map<Finding, BaselineState>();
  const seen = new Set<string>();
  for (const f of findings) {
    const fp = fingerprintOf(f);
    const old = byFingerprint.get(fp);
    seen.add(fp);
    states.set(f, !old ? 'new' : old.message === f.message && (old.severity === undefined || old.severity === f.severity) ? 'unchanged' : 'updated');
  }
  const absent = baseline.filter((b) => !seen.has(b.fingerprint));
  const counts: Record<BaselineState, number> = { new: 0, unchanged: 0, updated: 0, absent: absent.length };
  for (const s of states.values()) counts[s]++;
  return { stateOf: (f) => states.get(f) ?? 'new', absent, counts };
}
