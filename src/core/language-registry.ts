/**
 * The language registry: everything SiteWarden knows about a language, in one entry. Every place
 * that behaves differently per language (file detection, grammar loading, the dialect of the
 * semantics layer, comment syntax, test files, docs, the editor's language ids) reads it here, and
 * asking about a language that has no entry throws: a third language cannot half-work by being
 * treated as JavaScript somewhere.
 *
 * Two levels: a `RuleSet` is what languages analysed by the same rules share (JavaScript,
 * TypeScript and TSX share one; Python has its own); a `LanguageEntry` is one grammar.
 */
import type { Dialect } from './dialect';
import { javascriptDialect } from './javascript/dialect';
import { pythonDialect } from './python/dialect';
import { lookup } from './lookup';

export interface CommentSyntax {
  /** Starts a comment that runs to the end of the line (`#`, `//`); absent in HTML and templates. */
  line?: string;
  /** Opens and closes a block comment, when the language has one. */
  block?: readonly [string, string];
}

/** What the languages analysed by one set of rules (`meta.language`) have in common. */
export interface RuleSet {
  /** The value of `meta.language` of its rules and the name of its folder in src/rules. */
  readonly id: CodeRuleLanguage;
  /** Short form in generated ids (checklist probes: `evidence-orm-py`). */
  readonly shortId: string;
  /** Name in rule docs pages, the docs index and quality tables. */
  readonly docsLabel: string;
  /** Markdown code-fence language of docs examples. */
  readonly docsFence: string;
  /** File name a rule's test case gets when it names none. */
  readonly exampleFile: string;
  /** The language half of the semantics layer (src/core/<language>/dialect.ts). */
  readonly dialect: Dialect;
  /** Comment syntax, for suppression comments the engine reads and the editor inserts. */
  readonly comments: CommentSyntax;
  /** Node types of comments in its grammars (where suppressions are confirmed). */
  readonly commentNodeTypes: readonly string[];
  /**
   * Statements that rebind names of an enclosing scope (`global`, `nonlocal`): an edit of one
   * makes the editor re-check the whole file instead of the edited statements.
   */
  readonly rebindsEnclosingNames?: RegExp;
}

export interface LanguageEntry {
  readonly id: LanguageId;
  /** Human name of this grammar's language. */
  readonly label: string;
  /** Lower-case file extensions, with the dot. */
  readonly extensions: readonly string[];
  /** File name endings that have one of the extensions but carry no code to analyse (`.d.ts`). */
  readonly excludedSuffixes?: readonly string[];
  /** The grammar: the .wasm file name (in dist/wasm) and where it is in node_modules. */
  readonly grammar: { readonly wasm: string; readonly module: string };
  readonly rules: RuleSet;
  /** Test files by their lower-case base name (directories such as tests/ count for every language). */
  readonly testFiles: readonly RegExp[];
  /** VS Code language ids of its documents (activation events, untitled documents). */
  readonly vscodeIds: readonly string[];
}

/** The rule languages with a grammar; `text` rules read files as lines. */
export type CodeRuleLanguage = 'python' | 'javascript';
export type LanguageId = 'python' | 'javascript' | 'typescript' | 'tsx';

const PYTHON_RULES: RuleSet = {
  id: 'python',
  shortId: 'py',
  docsLabel: 'Python',
  docsFence: 'python',
  exampleFile: 'app.py',
  dialect: pythonDialect,
  comments: { line: '#' },
  commentNodeTypes: ['comment'],
  rebindsEnclosingNames: /\b(global|nonlocal)\b/,
};

const JAVASCRIPT_RULES: RuleSet = {
  id: 'javascript',
  shortId: 'js',
  docsLabel: 'JavaScript / TypeScript',
  docsFence: 'ts',
  exampleFile: 'app.ts',
  dialect: javascriptDialect,
  comments: { line: '//', block: ['/*', '*/'] },
  commentNodeTypes: ['comment', 'html_comment'],
};

/** `name.test.ext` and `name.spec.ext` for each of the extensions. */
function testAndSpecFiles(extensions: readonly string[]): RegExp[] {
  return extensions.map((ext) => new RegExp(`\\.(test|spec)${ext.replace(/\./g, '\\.')}$`));
}

const JS_EXTENSIONS = ['.js', '.mjs', '.cjs', '.jsx'];
const TS_EXTENSIONS = ['.ts', '.mts', '.cts'];

export const LANGUAGES: { readonly [K in LanguageId]: LanguageEntry & { readonly id: K } } = {
  python: {
    id: 'python',
    label: 'Python',
    extensions: ['.py', '.pyw'],
    grammar: { wasm: 'tree-sitter-python.wasm', module: 'tree-sitter-python/tree-sitter-python.wasm' },
    rules: PYTHON_RULES,
    testFiles: [/^test_.*\.py$/, /_tests?\.py$/, /^conftest\.py$/],
    vscodeIds: ['python'],
  },
  javascript: {
    id: 'javascript',
    label: 'JavaScript',
    extensions: JS_EXTENSIONS,
    grammar: { wasm: 'tree-sitter-javascript.wasm', module: 'tree-sitter-javascript/tree-sitter-javascript.wasm' },
    rules: JAVASCRIPT_RULES,
    testFiles: testAndSpecFiles(JS_EXTENSIONS),
    vscodeIds: ['javascript', 'javascriptreact'],
  },
  typescript: {
    id: 'typescript',
    label: 'TypeScript',
    extensions: TS_EXTENSIONS,
    excludedSuffixes: ['.d.ts', '.d.mts', '.d.cts'],
    grammar: { wasm: 'tree-sitter-typescript.wasm', module: 'tree-sitter-typescript/tree-sitter-typescript.wasm' },
    rules: JAVASCRIPT_RULES,
    testFiles: testAndSpecFiles(TS_EXTENSIONS),
    vscodeIds: ['typescript'],
  },
  tsx: {
    id: 'tsx',
    label: 'TypeScript JSX',
    extensions: ['.tsx'],
    grammar: { wasm: 'tree-sitter-tsx.wasm', module: 'tree-sitter-typescript/tree-sitter-tsx.wasm' },
    rules: JAVASCRIPT_RULES,
    testFiles: testAndSpecFiles(['.tsx']),
    vscodeIds: ['typescriptreact'],
  },
};

export const LANGUAGE_IDS = Object.keys(LANGUAGES) as LanguageId[];
export const RULE_SETS: readonly RuleSet[] = [...new Set(LANGUAGE_IDS.map((id) => LANGUAGES[id].rules))];

/** A language id that has no registry entry reached a place that must know the language. */
export class UnknownLanguageError extends Error {
  constructor(kind: string, id: unknown) {
    super(`SiteWarden: no ${kind} ${JSON.stringify(id)} in the language registry (src/core/language-registry.ts); known: ${kind === 'rule language' ? RULE_SETS.map((r) => r.id).join(', ') : LANGUAGE_IDS.join(', ')}`);
    this.name = 'UnknownLanguageError';
  }
}

export function languageEntry(id: LanguageId): LanguageEntry {
  const e = lookup(LANGUAGES, id);
  if (!e) throw new UnknownLanguageError('language', id);
  return e;
}

/** The rule set of a rule language (`meta.language`); `text` has none and throws like any unknown id. */
export function ruleSet(id: CodeRuleLanguage): RuleSet {
  const r = RULE_SETS.find((s) => s.id === id);
  if (!r) throw new UnknownLanguageError('rule language', id);
  return r;
}

/**
 * A value per rule set, for code that really is written once per language (a probe's node types):
 * the table's type makes a new rule set a compile error here, and an id without an entry throws.
 */
export function perRuleSet<T>(id: CodeRuleLanguage, table: { readonly [K in CodeRuleLanguage]: T }): T {
  if (!Object.prototype.hasOwnProperty.call(table, id)) throw new UnknownLanguageError('rule language', id);
  return table[id];
}

const BY_EXTENSION = new Map<string, LanguageEntry>(LANGUAGE_IDS.flatMap((id) => LANGUAGES[id].extensions.map((ext) => [ext, LANGUAGES[id]] as const)));

/** The language of a file by its name, or undefined when no grammar analyses it. */
export function languageOfFile(filePath: string): LanguageEntry | undefined {
  const lower = filePath.toLowerCase();
  const dot = lower.lastIndexOf('.');
  if (dot < 0) return undefined;
  const entry = BY_EXTENSION.get(lower.slice(dot));
  if (!entry || entry.excludedSuffixes?.some((s) => lower.endsWith(s))) return undefined;
  return entry;
}

/** The language of an editor document by its VS Code language id (untitled documents have no file name). */
export function languageOfEditorId(vscodeId: string): LanguageId | undefined {
  return LANGUAGE_IDS.find((id) => LANGUAGES[id].vscodeIds.includes(vscodeId));
}

/**
 * Comment syntax of files no grammar parses (the text rules' files), by extension or name; `#`
 * for the rest (.env, YAML, TOML, shell and most configuration formats).
 */
const TEXT_COMMENTS: readonly [RegExp, CommentSyntax][] = [
  [/\.(html?|ejs|hbs|handlebars|vue|svelte|xml|svg)$/, { block: ['<!--', '-->'] }],
  [/\.(jinja2?|j2|njk)$/, { block: ['{#', '#}'] }],
  [/\.(json5?|jsonc|css|scss|less|java|kt|go|rs|c|cc|cpp|h|cs|php|swift)$/, { line: '//', block: ['/*', '*/'] }],
];
const HASH_COMMENTS: CommentSyntax = { line: '#' };

/**
 * The comment syntax a suppression comment in this file uses: its language's, else its text
 * format's. `editorLanguageId` decides for a document without a telling name (untitled).
 */
export function commentSyntaxOfFile(filePath: string, editorLanguageId?: string): CommentSyntax {
  const byEditor = editorLanguageId === undefined ? undefined : languageOfEditorId(editorLanguageId);
  const entry = languageOfFile(filePath) ?? (byEditor && LANGUAGES[byEditor]);
  if (entry) return entry.rules.comments;
  const lower = filePath.toLowerCase();
  return TEXT_COMMENTS.find(([re]) => re.test(lower))?.[1] ?? HASH_COMMENTS;
}

/** A suppression comment for one rule, as written on a line of its own in this file. */
export function suppressionCommentText(c: CommentSyntax, ruleId: string, reason: string): string {
  const body = `sitewarden-ignore[${ruleId}]: ${reason}`;
  if (c.line) return `${c.line} ${body}`;
  if (c.block) return `${c.block[0]} ${body} ${c.block[1]}`;
  throw new Error('SiteWarden: a comment syntax needs a line or a block comment');
}

/** Where each grammar (and the web-tree-sitter runtime) is in node_modules, by .wasm file name. */
export function wasmModules(): Record<string, string> {
  const out: Record<string, string> = { 'web-tree-sitter.wasm': 'web-tree-sitter/web-tree-sitter.wasm' };
  for (const id of LANGUAGE_IDS) out[LANGUAGES[id].grammar.wasm] = LANGUAGES[id].grammar.module;
  return out;
}
