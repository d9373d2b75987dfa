import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Finding, Range } from '../core/types';
import { AREAS, ITEMS, type Area, type ChecklistItem, type ChecklistItemId } from './model';
import { evidenceKindOf, type EvidenceKind } from './probes';
import { factsInUse } from './helper-use';
import type { ChecklistState, ItemNote, ManualEntry } from './state';
import { readGuardedTextIfExists } from '../core/safe-fs';

export type ItemStatus = 'pass' | 'fail' | 'unknown' | 'manual' | 'not-applicable';

export interface Evidence {
  message: string;
  file?: string;
  range?: Range;
}

export interface ItemResult {
  item: ChecklistItem;
  status: ItemStatus;
  /** One sentence on why the item has this status. */
  reason: string;
  /** What proves a pass (file and line). */
  evidence: Evidence[];
  /** The findings that make it fail. */
  failing: Finding[];
  /** The person's entry for manual items and not-applicable marks. */
  manual?: ManualEntry;
  /** A person's free-text note on the item (shared state file). */
  note?: ItemNote;
}

export interface AreaResult {
  area: Area;
  items: ItemResult[];
  passed: number;
  /** Items that count towards progress (not-applicable ones do not). */
  total: number;
}

export interface DependencyStatus {
  /** False when the dependency check was not run (offline, --no-deps). */
  checked: boolean;
  /** A registry could not be reached: the result is not a clean bill of health. */
  incomplete: boolean;
  findings: Finding[];
}

export interface ChecklistInput {
  roots: string[];
  /** Findings of the security rules (suppressed ones are ignored). */
  findings: Finding[];
  /** Findings of the evidence probes (`ev-…`). */
  facts: Finding[];
  /** Number of source files that were analysed: with none, code items cannot be judged. */
  filesAnalysed: number;
  deps?: DependencyStatus;
  state: ChecklistState;
  /** The checklist items a rule id's findings feed, from the rule's `meta.checklist` (code, text and dependency rules). */
  checklistOf: (ruleId: string) => readonly ChecklistItemId[] | undefined;
}

export interface ChecklistResult {
  areas: AreaResult[];
  passed: number;
  total: number;
}

const SECURITY_POLICY = ['SECURITY.md', '.github/SECURITY.md', 'docs/SECURITY.md', 'SECURITY.rst', 'SECURITY.txt'];
const PLAN_DIRS = ['.', 'docs', '.github', 'doc', 'security'];
const PHASES = ['preparation', 'identification', 'containment', 'eradication', 'recovery', 'lessons learned'];
const CI_SCANNER = /\bsitewarden\s+scan\b|\bpip-audit\b|\bnpm\s+audit\b|\bbandit\b|\bsemgrep\b|\bsnyk\b|\bsafety\s+check\b|\bosv-scanner\b|codeql/i;

/** Evidence files larger than this are not read (a policy or CI file is a few KB). */
const MAX_EVIDENCE_BYTES = 512 * 1024;

/** A workspace file read as evidence, under the guarded read; undefined when absent or refused. */
function readIf(root: string, file: string): string | undefined {
  try {
    return readGuardedTextIfExists(file, { maxBytes: MAX_EVIDENCE_BYTES, followSymlinks: true, root });
  } catch {
    return undefined;
  }
}

function listDir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

function ciFiles(root: string): string[] {
  const out: string[] = [];
  for (const f of listDir(path.join(root, '.github', 'workflows'))) if (/\.ya?ml$/.test(f)) out.push(path.join(root, '.github', 'workflows', f));
  for (const f of ['.gitlab-ci.yml', '.circleci/config.yml', 'azure-pipelines.yml', 'Jenkinsfile', 'bitbucket-pipelines.yml', '.travis.yml', '.drone.yml']) out.push(path.join(root, f));
  for (const f of listDir(path.join(root, '.ci'))) out.push(path.join(root, '.ci', f));
  return out;
}

function factEvidence(facts: Finding[], kinds: EvidenceKind[]): Evidence[] {
  return facts
    .filter((f) => kinds.includes(evidenceKindOf(f.ruleId) as EvidenceKind))
    .map((f) => ({ message: f.message, file: f.file, range: f.range }));
}

type Evaluator = (ctx: EvalContext) => Omit<ItemResult, 'item' | 'manual'>;

interface EvalContext {
  input: ChecklistInput;
  /** The unsuppressed findings (of the scan, or `from`) that feed this item: their rule declares it, or the finding names it. */
  failing: (from?: Finding[]) => Finding[];
  facts: (...kinds: EvidenceKind[]) => Evidence[];
  hasCode: boolean;
}

/** What an evaluated item is decided from. The context refuses anything else, so this stays true. */
export interface ItemSources {
  /** Findings of the rules that name the item in `meta.checklist`. */
  rules?: true;
  /** Facts of the evidence probes of these kinds. */
  evidence?: readonly EvidenceKind[];
  /** Files of the workspace read directly (a plan, CI configuration, a policy). */
  files?: true;
}

export const ITEM_SOURCES: Partial<Record<ChecklistItemId, ItemSources>> = {
  'input-validation': { rules: true },
  authentication: { rules: true, evidence: ['password-hashing', 'jwt-verified'] },
  encryption: { rules: true, evidence: ['hsts', 'encryption-helper'] },
  'error-handling': { rules: true, evidence: ['traceback-response'] },
  csrf: { rules: true, evidence: ['csrf-protection'] },
  'security-headers': { rules: true, evidence: ['headers-library'] },
  'crypto-library': { rules: true },
  'orm-queries': { rules: true, evidence: ['orm'] },
  'fingerprint-check': { rules: true, evidence: ['fingerprint-analysis', 'fingerprint-collector'] },
  'security-logging': { evidence: ['security-logging'] },
  'incident-response-plan': { files: true },
  'dependencies-current': { rules: true },
  'ci-audit': { files: true },
  'security-policy': { files: true },
};

/** The items a finding feeds: the ones it names, else its rule's declaration. */
function itemsOf(f: Finding, input: ChecklistInput): readonly ChecklistItemId[] {
  return f.checklist ?? input.checklistOf(f.ruleId) ?? [];
}

function judge(failing: Finding[], evidence: Evidence[], hasCode: boolean, what: { fail: string; pass: string; unknown: string; passNeedsEvidence: boolean }) {
  if (failing.length) return { status: 'fail' as const, reason: `${failing.length} ${what.fail}`, evidence, failing };
  if (!hasCode) return { status: 'unknown' as const, reason: 'No Python or JavaScript/TypeScript code was analysed.', evidence, failing };
  if (what.passNeedsEvidence && evidence.length === 0) return { status: 'unknown' as const, reason: what.unknown, evidence, failing };
  return { status: 'pass' as const, reason: what.pass, evidence, failing };
}

const EVALUATORS: Partial<Record<ChecklistItemId, Evaluator>> = {
  'input-validation': (c) =>
    judge(c.failing(), [], c.hasCode, {
      fail: 'injection, XSS or unsafe-input finding(s) remain.',
      pass: 'No injection, XSS, deserialisation, path, SSRF or redirect findings in the analysed code.',
      unknown: '',
      passNeedsEvidence: false,
    }),
  authentication: (c) =>
    judge(c.failing(), c.facts('password-hashing', 'jwt-verified'), c.hasCode, {
      fail: 'authentication finding(s): token verification, secrets or cookies.',
      pass: 'Passwords are hashed with a slow hash or tokens are verified with pinned algorithms, and no authentication findings remain.',
      unknown: 'No password-hashing library or verified token use was found, and no authentication findings.',
      passNeedsEvidence: true,
    }),
  encryption: (c) => {
    const failing = c.failing();
    const hsts = c.facts('hsts');
    const enc = c.facts('encryption-helper');
    if (failing.length) return { status: 'fail', reason: `${failing.length} TLS or encryption finding(s) remain.`, evidence: [...hsts, ...enc], failing };
    if (!c.hasCode) return { status: 'unknown', reason: 'No code was analysed.', evidence: [], failing };
    if (hsts.length && enc.length) return { status: 'pass', reason: 'HSTS is configured and authenticated encryption is used for data at rest.', evidence: [...hsts, ...enc], failing };
    return { status: 'unknown', reason: `${hsts.length ? 'HSTS is configured' : 'No HSTS configuration found'}; ${enc.length ? 'authenticated encryption is used' : 'no authenticated-encryption helper (Fernet, AES-GCM) found'}.`, evidence: [...hsts, ...enc], failing };
  },
  'error-handling': (c) => {
    const failing = c.failing();
    const traces = c.facts('traceback-response');
    if (traces.length && !failing.length) return { status: 'fail', reason: 'Stack traces are returned to clients.', evidence: traces, failing };
    return judge(failing, [], c.hasCode, { fail: 'debug-mode finding(s) remain.', pass: 'Debug mode is not switched on in code and no stack traces are returned.', unknown: '', passNeedsEvidence: false });
  },
  csrf: (c) =>
    judge(c.failing(), c.facts('csrf-protection'), c.hasCode, {
      fail: 'finding(s) switch CSRF protection off.',
      pass: 'CSRF middleware is active and not switched off.',
      unknown: 'No CSRF middleware found (fine for a token-authenticated API; mark not applicable with the reason).',
      passNeedsEvidence: true,
    }),
  'security-headers': (c) =>
    judge(c.failing(), c.facts('headers-library'), c.hasCode, {
      fail: 'finding(s) about missing security headers.',
      pass: 'A security-headers library is configured.',
      unknown: 'No security-headers library (secure, Talisman, Django SecurityMiddleware, helmet) found.',
      passNeedsEvidence: true,
    }),
  'crypto-library': (c) =>
    judge(c.failing(), [], c.hasCode, {
      fail: 'weak-cryptography or insecure-randomness finding(s) remain.',
      pass: 'No weak hashes, ciphers, keys or insecure randomness in the analysed code.',
      unknown: '',
      passNeedsEvidence: false,
    }),
  'orm-queries': (c) =>
    judge(c.failing(), c.facts('orm'), c.hasCode, {
      fail: 'SQL injection finding(s) remain.',
      pass: 'An ORM or query builder is used and no SQL is built from strings.',
      unknown: 'No ORM or query builder found (and no SQL injection findings).',
      passNeedsEvidence: true,
    }),
  'fingerprint-check': (c) => {
    const failing = c.failing();
    const analysis = c.facts('fingerprint-analysis');
    const collector = c.facts('fingerprint-collector');
    if (failing.length) return { status: 'fail', reason: 'A fingerprint analyser is a stub that ignores its input.', evidence: [...analysis, ...collector], failing };
    if (analysis.length) return { status: 'pass', reason: 'A fingerprint analyser reads the signals it is given.', evidence: [...analysis, ...collector], failing };
    return { status: 'fail', reason: collector.length ? 'A fingerprint collector is used but no server-side analysis was found.' : 'No browser fingerprint check was found.', evidence: collector, failing };
  },
  'security-logging': (c) => {
    const ev = c.facts('security-logging');
    if (ev.length) return { status: 'pass', reason: 'Authentication or permission events are logged.', evidence: ev, failing: [] };
    return { status: 'unknown', reason: 'No logging of logins, failures or permission errors was found.', evidence: [], failing: [] };
  },
  'incident-response-plan': (c) => {
    for (const root of c.input.roots) {
      for (const dir of PLAN_DIRS) {
        for (const f of listDir(path.join(root, dir))) {
          if (!/incident[-_ ]?response.*\.(md|rst|txt|adoc)$/i.test(f)) continue;
          const file = path.join(root, dir, f);
          const text = (readIf(root, file) ?? '').toLowerCase();
          const missing = PHASES.filter((p) => !text.includes(p));
          if (missing.length === 0) return { status: 'pass', reason: 'The plan covers the six phases.', evidence: [{ message: 'incident response plan', file }], failing: [] };
          return { status: 'fail', reason: `The plan does not cover: ${missing.join(', ')}.`, evidence: [{ message: 'incident response plan (incomplete)', file }], failing: [] };
        }
      }
    }
    return { status: 'fail', reason: 'No incident response plan was found in the repository.', evidence: [], failing: [] };
  },
  'dependencies-current': (c) => {
    const d = c.input.deps;
    if (!d || !d.checked) return { status: 'unknown', reason: 'Dependencies were not checked (offline or --no-deps).', evidence: [], failing: [] };
    const failing = c.failing(d.findings);
    if (failing.length) return { status: 'fail', reason: `${failing.length} vulnerable, yanked or deprecated dependency finding(s).`, evidence: [], failing };
    if (d.incomplete) return { status: 'unknown', reason: 'A registry could not be reached, so the check is incomplete.', evidence: [], failing };
    return { status: 'pass', reason: 'The registries answered and no advisories apply to the declared versions.', evidence: [], failing };
  },
  'ci-audit': (c) => {
    for (const root of c.input.roots) {
      for (const file of ciFiles(root)) {
        const text = readIf(root, file);
        const m = text && CI_SCANNER.exec(text);
        if (m) {
          const line = text.slice(0, m.index).split('\n').length - 1;
          return { status: 'pass', reason: `CI runs ${m[0]}.`, evidence: [{ message: m[0], file, range: { start: { line, column: 0 }, end: { line, column: 0 } } }], failing: [] };
        }
      }
    }
    return { status: 'fail', reason: 'No CI configuration runs a security scan.', evidence: [], failing: [] };
  },
  'security-policy': (c) => {
    for (const root of c.input.roots) {
      for (const f of SECURITY_POLICY) {
        const file = path.join(root, f);
        if (readIf(root, file) !== undefined) return { status: 'pass', reason: 'A security policy exists.', evidence: [{ message: 'security policy', file }], failing: [] };
      }
    }
    return { status: 'fail', reason: 'No SECURITY.md was found.', evidence: [], failing: [] };
  },
};

/** Decides every checklist item from findings, evidence, workspace files and the people's state. */
export function evaluateChecklist(input: ChecklistInput): ChecklistResult {
  // A generated helper's facts count only once app code uses the helper.
  const facts = factsInUse(input.facts, (f) => evidenceKindOf(f.ruleId));
  const contextFor = (id: ChecklistItemId): EvalContext => {
    const from = ITEM_SOURCES[id] ?? {};
    return {
      input,
      failing: (findings = input.findings) => {
        if (!from.rules) throw new Error(`checklist item ${id} reads rule findings but does not say so in ITEM_SOURCES`);
        return findings.filter((f) => !f.suppression && itemsOf(f, input).includes(id));
      },
      facts: (...kinds) => {
        const undeclared = kinds.filter((k) => !from.evidence?.includes(k));
        if (undeclared.length) throw new Error(`checklist item ${id} reads evidence ${undeclared.join(', ')} not listed in ITEM_SOURCES`);
        return factEvidence(facts, kinds);
      },
      hasCode: input.filesAnalysed > 0,
    };
  };
  const areas: AreaResult[] = AREAS.map((area) => {
    const withNote = (r: ItemResult): ItemResult => {
      const note = input.state.notes?.[r.item.id];
      return note ? { ...r, note } : r;
    };
    const items = ITEMS.filter((i) => i.area === area.id).map((item): ItemResult => withNote(evaluateItem(item)));
    function evaluateItem(item: ChecklistItem): ItemResult {
      const manual = input.state.items[item.id];
      if (manual?.status === 'not-applicable') {
        return { item, status: 'not-applicable', reason: `Not applicable: ${manual.note ?? ''}`.trim(), evidence: [], failing: [], manual };
      }
      if (item.kind === 'manual') {
        if (manual?.status === 'done') return { item, status: 'pass', reason: `Confirmed by ${manual.by} on ${manual.date}.`, evidence: [], failing: [], manual };
        return { item, status: 'manual', reason: `Needs a person: ${item.howEvaluated}`, evidence: [], failing: [] };
      }
      const r = EVALUATORS[item.id]?.(contextFor(item.id)) ?? { status: 'unknown' as const, reason: 'No evaluator.', evidence: [], failing: [] };
      return { item, ...r };
    }
    const counted = items.filter((i) => i.status !== 'not-applicable');
    return { area, items, passed: counted.filter((i) => i.status === 'pass').length, total: counted.length };
  });
  return { areas, passed: areas.reduce((a, x) => a + x.passed, 0), total: areas.reduce((a, x) => a + x.total, 0) };
}
