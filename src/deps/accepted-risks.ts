import * as path from 'node:path';
import { parse as parseToml, stringify as stringifyToml } from 'smol-toml';
import { readGuardedTextIfExists } from '../core/safe-fs';
import { parseSuppression, suppressionExpired, type SuppressionComment } from '../core/suppressions';
import type { AcceptedRisk, AdvisoryFact } from './evaluate';
import { normalizeName } from './python-manifests';
import { readManifestText } from './read-manifest';
import type { Dependency } from './types';

/** Where the project lists the advisories it accepts: `[[dependencies.ignore]]` entries. */
export const CONFIG_FILE = path.join('.sitewarden', 'config');

/**
 * One accepted advisory. `expires` (YYYY-MM-DD) is the last day it is accepted; after it the
 * advisory counts again and the finding says the acceptance expired, so an "ignore for now" does
 * not become "ignore forever" by being forgotten.
 */
export interface IgnoreEntry {
  /** The accepted advisory (any of its ids); or, for the other dependency rules, empty and `rule` set. */
  advisory: string;
  /** `dep-outdated`, `dep-deprecated` or `dep-yanked` accepted for `package` (which it then needs). */
  rule?: AcceptableRule;
  /** Limits the entry to one package (npm name, or PyPI name in any spelling). */
  package?: string;
  reason: string;
  expires?: string;
}

export interface IgnoreList {
  entries: IgnoreEntry[];
  problems: { file: string; message: string }[];
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The dependency rules an entry can accept for a whole package; a vulnerability is accepted per advisory. */
export const ACCEPTABLE_RULES = ['dep-outdated', 'dep-deprecated', 'dep-yanked'] as const;
export type AcceptableRule = (typeof ACCEPTABLE_RULES)[number];

/** `.sitewarden/config` of a scanned folder, read guarded (it is the repository's input); undefined when absent. */
export function readIgnoreText(root: string): string | undefined {
  return readGuardedTextIfExists(path.join(root, CONFIG_FILE), { maxBytes: 256 * 1024, root });
}

/** `.sitewarden/config` of a scanned folder (TOML): its entries, and what is wrong with the others. */
export function readIgnoreList(root: string): IgnoreList {
  const file = path.join(root, CONFIG_FILE);
  let text: string | undefined;
  try {
    text = readIgnoreText(root);
  } catch (e) {
    return { entries: [], problems: [{ file, message: `cannot read: ${(e as Error).message}` }] };
  }
  return text === undefined ? { entries: [], problems: [] } : parseIgnoreList(text, file);
}

/** The `[[dependencies.ignore]]` entries of a config file's text; `file` names it in the problems. */
function parseIgnoreList(text: string, file: string): IgnoreList {
  const out: IgnoreList = { entries: [], problems: [] };
  let data: { dependencies?: { ignore?: unknown } };
  try {
    data = parseToml(text) as typeof data;
  } catch (e) {
    out.problems.push({ file, message: `not valid TOML: ${(e as Error).message.split('\n')[0]}` });
    return out;
  }
  const list = data.dependencies?.ignore;
  if (list === undefined) return out;
  if (!Array.isArray(list)) {
    out.problems.push({ file, message: '[dependencies] ignore must be a list of tables ([[dependencies.ignore]])' });
    return out;
  }
  list.forEach((raw: Record<string, unknown>, i) => {
    const at = `[[dependencies.ignore]] entry ${i + 1}`;
    const advisory = typeof raw?.advisory === 'string' ? raw.advisory.trim() : '';
    const rawRule = typeof raw?.rule === 'string' ? raw.rule.trim() : '';
    const rule = ACCEPTABLE_RULES.find((r) => r === rawRule);
    const pkg = typeof raw?.package === 'string' ? raw.package : undefined;
    const reason = typeof raw?.reason === 'string' ? raw.reason.trim() : '';
    // TOML dates parse to Date objects; a quoted date stays a string.
    const expires = raw?.expires instanceof Date ? raw.expires.toISOString().slice(0, 10) : typeof raw?.expires === 'string' ? raw.expires.trim() : undefined;
    if (rawRule && !rule) return void out.problems.push({ file, message: `${at}: rule must be one of ${ACCEPTABLE_RULES.join(', ')} (a vulnerability is accepted by its advisory id); not honoured` });
    if (rule && advisory) return void out.problems.push({ file, message: `${at}: both advisory and rule; give one; not honoured` });
    if (rule && !pkg) return void out.problems.push({ file, message: `${at} (${rule}): no package; not honoured (a rule is accepted for one package)` });
    if (!advisory && !rule) return void out.problems.push({ file, message: `${at}: no advisory id; not honoured` });
    const what = advisory || `${rule} ${pkg}`;
    if (!reason) return void out.problems.push({ file, message: `${at} (${what}): no reason; not honoured (say why the risk is accepted)` });
    if (expires !== undefined && (!DAY.test(expires) || Number.isNaN(Date.parse(expires)))) return void out.problems.push({ file, message: `${at} (${what}): expires must be a date (YYYY-MM-DD); not honoured` });
    out.entries.push({ advisory, reason, ...(rule ? { rule } : {}), ...(pkg !== undefined ? { package: pkg } : {}), ...(expires ? { expires } : {}) });
  });
  return out;
}

const idsOf = (a: AdvisoryFact) => [a.id, ...(a.aliases ?? [])].map((x) => x.toUpperCase());

/** Whether `d` is the entry's package (PyPI names compared normalised). */
function samePackage(e: IgnoreEntry, d: Dependency): boolean {
  if (!e.package) return true;
  return d.ecosystem === 'pypi' ? normalizeName(e.package) === normalizeName(d.name) : e.package === d.name;
}

/**
 * The accepted risks of one scanned folder: its ignore list and the `sitewarden-ignore[...]`
 * comments on manifest lines (requirements, pyproject.toml, Pipfile: JSON has no comments, so
 * package.json uses the list). `today` is YYYY-MM-DD.
 */
export class AcceptedRisks {
  /** Expired entries that matched an advisory: the finding says so, and the report notes it. */
  readonly expired: { entry: IgnoreEntry; dep: Dependency }[] = [];
  private readonly lines = new Map<string, string[] | null>();

  constructor(
    private readonly list: IgnoreList,
    private readonly today: string,
    private readonly root?: string,
  ) {}

  /** The acceptance of advisory `a` on dependency `d`, if any (an expired entry is none). */
  accept(d: Dependency, a: AdvisoryFact): AcceptedRisk | undefined {
    const comment = this.comment(d);
    const ids = idsOf(a);
    if (comment && (comment.ids.length === 0 || comment.ids.some((x) => x === 'dep-vulnerable' || ids.includes(x.toUpperCase())))) {
      return { reason: comment.justification || 'no reason given', where: `comment on ${path.basename(d.file)} line ${d.line + 1}` };
    }
    return this.fromList(d, (e) => !!e.advisory && ids.includes(e.advisory.toUpperCase()));
  }

  /** The acceptance of an outdated, deprecated or yanked finding on `d` from the ignore list. */
  acceptRule(d: Dependency, rule: string): AcceptedRisk | undefined {
    return this.fromList(d, (e) => e.rule === rule && e.package !== undefined);
  }

  private fromList(d: Dependency, matches: (e: IgnoreEntry) => boolean): AcceptedRisk | undefined {
    for (const e of this.list.entries) {
      if (!matches(e) || !samePackage(e, d)) continue;
      if (e.expires && e.expires < this.today) {
        if (!this.expired.some((x) => x.entry === e && x.dep === d)) this.expired.push({ entry: e, dep: d });
        continue;
      }
      return { reason: e.reason, where: `${CONFIG_FILE}${e.expires ? `, until ${e.expires}` : ''}` };
    }
    return undefined;
  }

  /**
   * A `sitewarden-ignore` comment on the dependency's line, or alone on the line above it, while
   * its `until=` day (if any) is not over: an expired comment is listed in `expiredComments`.
   */
  comment(d: Dependency): SuppressionComment | undefined {
    const c = this.writtenComment(d);
    if (c && suppressionExpired(c, new Date(`${this.today}T12:00:00Z`))) {
      if (!this.expiredComments.some((x) => x.dep === d)) this.expiredComments.push({ comment: c, dep: d });
      return undefined;
    }
    return c;
  }

  /** Comments whose `until=` day is over: their findings count again and say so. */
  readonly expiredComments: { comment: SuppressionComment; dep: Dependency }[] = [];

  private writtenComment(d: Dependency): SuppressionComment | undefined {
    const lines = this.fileLines(d.file);
    if (!lines) return undefined;
    const own = commentOn(lines[d.line] ?? '', d.line, false);
    if (own) return own;
    const above = d.line > 0 ? lines[d.line - 1] ?? '' : '';
    return /^\s*#/.test(above) ? commentOn(above, d.line - 1, true) : undefined;
  }

  private fileLines(file: string): string[] | null {
    let l = this.lines.get(file);
    if (l === undefined) {
      try {
        // package.json has no comments: `//` there is part of a URL or a string.
        l = path.basename(file) === 'package.json' ? null : readManifestText(file, this.root).split('\n');
      } catch {
        l = null;
      }
      this.lines.set(file, l);
    }
    return l;
  }
}

/** The `# sitewarden-ignore[...]: reason` comment of a manifest line (a `#` that starts a comment). */
function commentOn(line: string, lineNo: number, standalone: boolean): SuppressionComment | undefined {
  const m = /(?:^|\s)(#\s*sitewarden-ignore\b.*)$/.exec(line.replace(/\r$/, ''));
  if (!m) return undefined;
  const s = parseSuppression(m[1], lineNo, standalone, { line: '#' });
  return s?.kind === 'sitewarden-ignore' ? s : undefined;
}

/**
 * `.sitewarden/config` with `entries` appended as `[[dependencies.ignore]]` tables. The existing
 * text is kept byte for byte; values are written by the TOML library (quoting, escapes). Throws
 * when the existing file is not valid TOML or the new entries would not all be honoured when read
 * back, so a person's file is never made worse.
 */
export function appendIgnoreEntries(existing: string, entries: readonly IgnoreEntry[]): string {
  const before = parseIgnoreList(existing, CONFIG_FILE);
  const broken = before.problems.find((p) => !/not honoured/.test(p.message));
  if (broken) throw new Error(`SiteWarden: ${CONFIG_FILE}: ${broken.message}; fix it first, nothing was added`);
  const blocks = entries.map((e) => {
    const fields: Record<string, string> = {};
    if (e.rule) fields.rule = e.rule;
    else fields.advisory = e.advisory;
    if (e.package !== undefined) fields.package = e.package;
    fields.reason = e.reason;
    // stringify quotes every value; `expires` stays a string date, which the reader accepts.
    if (e.expires) fields.expires = e.expires;
    return `[[dependencies.ignore]]\n${stringifyToml(fields)}\n`;
  });
  const sep = existing === '' || existing.endsWith('\n\n') ? '' : existing.endsWith('\n') ? '\n' : '\n\n';
  const text = `${existing}${sep}${blocks.join('\n')}`;
  const after = parseIgnoreList(text, CONFIG_FILE);
  if (after.entries.length !== before.entries.length + entries.length || after.problems.length !== before.problems.length) {
    throw new Error(`SiteWarden: the new [[dependencies.ignore]] entries would not be honoured (${after.problems.at(-1)?.message ?? 'not read back'}); ${CONFIG_FILE} not changed`);
  }
  return text;
}
