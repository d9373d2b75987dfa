import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { flowHasHops } from '../finding';
import type { Rule } from '../rule';
import type { Finding, FlowLocation, Range, Severity } from '../types';
import type { BaselineEntry, BaselineState } from './baseline';
import { FINGERPRINT_KEY, stableFingerprints } from './fingerprint';
import { ruleDocsMarkdown } from './rule-docs';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { critical: 'error', high: 'error', medium: 'warning', low: 'note' };
/** GitHub code scanning reads this number: >= 9 critical, >= 7 high, >= 4 medium. */
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0' };

export interface SarifOptions {
  rules: readonly Rule[];
  findings: readonly Finding[];
  /** Base directory: artifact URIs are relative to it. */
  baseDir: string;
  toolVersion: string;
  notifications?: { level: 'error' | 'warning' | 'note'; message: string; uri?: string; properties?: Record<string, string> }[];
  /** False when the run is incomplete: something that should have been analysed was not. */
  executionSuccessful?: boolean;
  /** The fingerprint of each finding when the caller computed them over a longer list (see stableFingerprints). */
  fingerprintOf?: (f: Finding) => string;
  /** `--baseline`: each result's baselineState, and the baseline's findings this run no longer has. */
  baseline?: { stateOf: (f: Finding) => BaselineState; absent: readonly BaselineEntry[] };
  /** runs[0].automationDetails.id (see automationIdFor). */
  automationId?: string;
}

/**
 * GitHub code scanning keeps one analysis per tool and category, the category being
 * automationDetails.id up to its last '/'. One id per set of scanned roots lets a monorepo upload
 * `services/api` and `services/web` from separate jobs without one replacing the other.
 */
export function automationIdFor(roots: readonly string[], baseDir: string): string {
  const rel = roots.map((r) => path.relative(baseDir, path.resolve(baseDir, r)).split(path.sep).join('/') || '.');
  return `sitewarden/${[...new Set(rel)].sort().join('+')}/`;
}

function toUri(p: string): string {
  // encodeURIComponent throws on a lone surrogate, which a Windows file name may hold: one such
  // name made the whole SARIF report fail. It is written as U+FFFD instead.
  const wellFormed = p.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
  return wellFormed.split(path.sep).map(encodeURIComponent).join('/');
}

function pascal(id: string): string {
  return id.replace(/(^|-)([a-z0-9])/g, (_m, _d, c: string) => c.toUpperCase());
}

export function toSarif(o: SarifOptions): object {
  const rel = (f: Pick<Finding, 'file'>) => path.relative(o.baseDir, path.resolve(f.file));
  // Every rule is listed, not only those with results, so a viewer can explain an empty run too.
  const rules = o.rules;
  const index = new Map(rules.map((r, i) => [r.meta.id, i]));
  const computed = o.fingerprintOf ? undefined : stableFingerprints(o.findings, rel);
  const fingerprint = (f: Finding, i: number) => (o.fingerprintOf ? o.fingerprintOf(f) : computed![i]);
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'SiteWarden',
            version: o.toolVersion,
            semanticVersion: o.toolVersion,
            rules: rules.map((r) => ({
              id: r.meta.id,
              name: pascal(r.meta.id),
              shortDescription: { text: r.meta.title },
              fullDescription: { text: r.meta.docs.whatItDoes },
              help: { text: `${r.meta.docs.whyBad}\n\nUse instead:\n${r.meta.docs.useInstead}`, markdown: ruleDocsMarkdown(r) },
              defaultConfiguration: { level: LEVEL[r.meta.severity] },
              properties: {
                tags: ['security', ...r.meta.cwe, ...r.meta.owasp.map((x) => `OWASP-${x}`)],
                precision: r.meta.confidence === 'high' ? 'high' : r.meta.confidence === 'medium' ? 'medium' : 'low',
                'security-severity': SECURITY_SEVERITY[r.meta.severity],
                problem: { severity: r.meta.severity },
              },
            })),
          },
        },
        ...(o.automationId ? { automationDetails: { id: o.automationId } } : {}),
        originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(o.baseDir + path.sep).href } },
        invocations: [
          {
            executionSuccessful: o.executionSuccessful ?? true,
            toolExecutionNotifications: (o.notifications ?? []).map((n) => ({
              level: n.level,
              message: { text: n.message },
              ...(n.uri ? { locations: [{ physicalLocation: { artifactLocation: { uri: toUri(n.uri), uriBaseId: '%SRCROOT%' } } }] } : {}),
              ...(n.properties ? { properties: n.properties } : {}),
            })),
          },
        ],
        results: [
          ...o.findings.map((f, i): Record<string, unknown> => ({
            ruleId: f.ruleId,
            ruleIndex: index.get(f.ruleId) ?? -1,
            level: LEVEL[f.severity],
            message: { text: f.message },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: toUri(rel(f)), uriBaseId: '%SRCROOT%' },
                  region: {
                    startLine: f.range.start.line + 1,
                    startColumn: f.range.start.column + 1,
                    endLine: f.range.end.line + 1,
                    endColumn: f.range.end.column + 1,
                    snippet: { text: f.snippet },
                  },
                },
              },
            ],
            ...(flowHasHops(f.flow) ? { codeFlows: [codeFlow(f.flow, (l) => toUri(rel({ file: l.file ?? f.file })))] } : {}),
            ...(f.related?.length
              ? {
                  relatedLocations: f.related.map((r, j) => ({
                    id: j + 1,
                    message: { text: r.message },
                    physicalLocation: {
                      artifactLocation: { uri: toUri(r.file ? path.relative(o.baseDir, path.resolve(r.file)) : rel(f)), uriBaseId: '%SRCROOT%' },
                      region: region(r.range),
                    },
                  })),
                }
              : {}),
            partialFingerprints: { [FINGERPRINT_KEY]: fingerprint(f, i) },
            ...(o.baseline ? { baselineState: o.baseline.stateOf(f) } : {}),
            ...(f.suppression ? { suppressions: [{ kind: 'inSource', justification: f.suppression.justification || `${f.suppression.kind} comment` }] } : {}),
            properties: { severity: f.severity, confidence: f.confidence, ...(f.inTestCode ? { inTestCode: true } : {}) },
          })),
          ...(o.baseline?.absent ?? []).map((b) => absentResult(b, index)),
        ],
      },
    ],
  };
}

function region(r: Range) {
  return { startLine: r.start.line + 1, startColumn: r.start.column + 1, endLine: r.end.line + 1, endColumn: r.end.column + 1 };
}

/**
 * The data-flow path as one thread flow: its locations in the order the data travels
 * (`executionOrder` from 1), all at `nestingLevel` 0: the taint records the bindings the data
 * passed through, not a call stack, so no location is said to be nested in another. Every location is of the well-known kind
 * `taint`; the source and the sink are `essential`, the steps between them `important`.
 */
function codeFlow(flow: readonly FlowLocation[], uriOf: (l: FlowLocation) => string): object {
  const first = flow[0];
  const last = flow[flow.length - 1];
  const steps = flow.length - 2;
  return {
    message: { text: steps ? `${first.label} passes through ${steps} step(s) and ${last.message}` : `${first.label} ${last.message}` },
    threadFlows: [
      {
        locations: flow.map((l, i) => ({
          location: {
            physicalLocation: { artifactLocation: { uri: uriOf(l), uriBaseId: '%SRCROOT%' }, region: region(l.range) },
            message: { text: l.message },
          },
          kinds: ['taint'],
          nestingLevel: 0,
          executionOrder: i + 1,
          importance: l.kind === 'step' ? 'important' : 'essential',
        })),
      },
    ],
  };
}

/**
 * A baseline finding this run no longer has. It is kept so a viewer can show what was fixed, as
 * SARIF's baselineState intends, but as kind 'pass' (the rule ran and found nothing there; SARIF
 * then requires level 'none'): a consumer that ignores baselineState must not open an alert for it.
 */
function absentResult(b: BaselineEntry, index: ReadonlyMap<string, number>): Record<string, unknown> {
  return {
    ruleId: b.ruleId,
    ...(index.has(b.ruleId) ? { ruleIndex: index.get(b.ruleId) } : {}),
    kind: 'pass',
    level: 'none',
    message: { text: b.message || b.ruleId },
    locations: [{ physicalLocation: { artifactLocation: { uri: b.uri, uriBaseId: '%SRCROOT%' }, ...(b.region ? { region: withoutUndefined(b.region) } : {}) } }],
    partialFingerprints: { [FINGERPRINT_KEY]: b.fingerprint },
    baselineState: 'absent',
    ...(b.severity ? { properties: { severity: b.severity } } : {}),
  };
}

function withoutUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
