import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import type * as TS from 'typescript';
import type { LanguageId } from './types';
import { ruleLanguageOf } from './languages';

/** One fix applied to one rule test case: the code before and after. */
export interface FixedCode {
  ruleId: string;
  /** Index of the invalid case. */
  index: number;
  language: LanguageId;
  /** The case's file name, whose extension decides how TypeScript reads it. */
  file: string;
  before: string;
  after: string;
  safe: boolean;
}

export interface FixProblem {
  fixed: FixedCode;
  problem: string;
}

/**
 * Compiles every Python text (without running it) and lists the names it reads that nothing
 * binds: module-level names, builtins and names made global in a function count as bound.
 * A `from m import *` makes every name possibly bound, so such a text has no name list.
 */
const PYTHON_CHECK = String.raw`
import ast, builtins, json, symtable, sys
MODULE = {'__name__', '__file__', '__doc__', '__spec__', '__loader__', '__package__', '__builtins__', '__annotations__', '__path__', '__cached__'}
def unbound(src):
    tree = ast.parse(src)
    if any(isinstance(n, ast.ImportFrom) and any(a.name == '*' for a in n.names) for n in tree.body):
        return []
    top = symtable.symtable(src, 'fixed.py', 'exec')
    bound = MODULE | set(dir(builtins))
    used = set()
    def walk(t):
        for s in t.get_symbols():
            n = s.get_name()
            if t is top:
                if s.is_assigned() or s.is_imported(): bound.add(n)
                elif s.is_referenced(): used.add(n)
            elif s.is_global():
                if s.is_declared_global() and s.is_assigned(): bound.add(n)
                if s.is_referenced(): used.add(n)
        for c in t.get_children(): walk(c)
    walk(top)
    return sorted(used - bound)
out = []
for src in json.load(sys.stdin):
    try:
        compile(src, 'fixed.py', 'exec', dont_inherit=True)
    except SyntaxError as e:
        out.append({'error': '%s (line %s)' % (e.msg, e.lineno)})
        continue
    except ValueError as e:
        out.append({'error': str(e)})
        continue
    out.append({'unbound': unbound(src)})
json.dump(out, sys.stdout)
`;

type PythonVerdict = { error: string } | { unbound: string[] };

/** One python3 process for every text; undefined when there is no python3 to ask. */
function checkPython(texts: string[]): PythonVerdict[] | undefined {
  if (texts.length === 0) return [];
  // -I: isolated, so nothing from the environment or the working directory is imported.
  const r = spawnSync('python3', ['-I', '-c', PYTHON_CHECK], { input: JSON.stringify(texts), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error || r.status !== 0) {
    if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') return undefined;
    throw new Error(`python3 fix check failed: ${r.error?.message ?? r.stderr}`);
  }
  return JSON.parse(r.stdout) as PythonVerdict[];
}

/** Diagnostics that say a package is not installed here: the fixed code may import one the case's code does not. */
const ENVIRONMENT_CODES = new Set([2307, 2792, 7016]);

const libraryFiles = new Map<string, TS.SourceFile | undefined>();

/**
 * One TypeScript program over every JavaScript/TypeScript text (each its own module): the
 * diagnostics of each, as `TSnnnn: message`, syntax and types both.
 */
function checkTypeScript(files: { name: string; text: string }[]): string[][] {
  if (files.length === 0) return [];
  // Loaded only here: typescript is a development dependency, and only rule tests check fixes.
  const ts = require('typescript') as typeof TS;
  const root = path.resolve('/sitewarden-fix-check');
  const byName = new Map(files.map((f, i) => [path.join(root, String(i), f.name), f.text]));
  let typeRoots: string[] = [];
  try {
    typeRoots = [path.dirname(path.dirname(require.resolve('@types/node/package.json')))];
  } catch {
    // Without Node's types, `require` and `process` are unknown before and after alike.
  }
  const options: TS.CompilerOptions = {
    noEmit: true,
    allowJs: true,
    checkJs: true,
    strict: false,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    moduleDetection: ts.ModuleDetectionKind.Force,
    esModuleInterop: true,
    jsx: ts.JsxEmit.Preserve,
    lib: ['lib.es2022.d.ts'],
    types: typeRoots.length ? ['node'] : [],
    typeRoots,
    skipLibCheck: true,
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, onError, create) => {
    const text = byName.get(path.resolve(name));
    if (text !== undefined) return ts.createSourceFile(name, text, lang, true);
    // The standard library and Node's types are parsed once per process.
    let sf = libraryFiles.get(name);
    if (!sf) libraryFiles.set(name, (sf = getSourceFile(name, lang, onError, create)));
    return sf;
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => byName.has(path.resolve(name)) || fileExists(name);
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => byName.get(path.resolve(name)) ?? readFile(name);
  const program = ts.createProgram([...byName.keys()], options, host);
  return [...byName.keys()].map((name) => {
    const sf = program.getSourceFile(name)!;
    return [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]
      .filter((d) => !ENVIRONMENT_CODES.has(d.code))
      .map((d) => `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  });
}

/** What `after` says that `before` does not (a multiset difference: the same message twice counts twice). */
function added(before: string[], after: string[]): string[] {
  const left = new Map<string, number>();
  for (const m of before) left.set(m, (left.get(m) ?? 0) + 1);
  const out: string[] = [];
  for (const m of after) {
    const n = left.get(m) ?? 0;
    if (n > 0) left.set(m, n - 1);
    else out.push(m);
  }
  return out;
}

/**
 * Checks that fixed code still compiles and binds every name it uses, judged against the code
 * before the fix (rule cases use names they never define): Python by `compile()` and a symbol
 * table walk in one python3 process, JavaScript and TypeScript by one TypeScript program.
 * Nothing is run. `python3Missing` is set when Python texts could not be checked.
 */
export function checkFixedCode(all: readonly FixedCode[]): { problems: FixProblem[]; python3Missing: boolean } {
  const problems: FixProblem[] = [];
  const py = all.filter((f) => ruleLanguageOf(f.language) === 'python');
  const verdicts = checkPython(py.flatMap((f) => [f.before, f.after]));
  py.forEach((f, i) => {
    if (!verdicts) return;
    const [before, after] = [verdicts[2 * i], verdicts[2 * i + 1]];
    if ('error' in after) {
      if (!('error' in before)) problems.push({ fixed: f, problem: `the fixed code does not compile: ${after.error}` });
      return;
    }
    const known = 'unbound' in before ? new Set(before.unbound) : new Set<string>();
    const fresh = after.unbound.filter((n) => !known.has(n));
    if (fresh.length) problems.push({ fixed: f, problem: `the fixed code uses names nothing binds (NameError): ${fresh.join(', ')}` });
  });
  const js = all.filter((f) => ruleLanguageOf(f.language) === 'javascript');
  const diags = checkTypeScript(js.flatMap((f) => [{ name: path.basename(f.file), text: f.before }, { name: path.basename(f.file), text: f.after }]));
  js.forEach((f, i) => {
    const fresh = added(diags[2 * i], diags[2 * i + 1]);
    if (fresh.length) problems.push({ fixed: f, problem: `the fixed code does not type-check: ${fresh.join('; ')}` });
  });
  return { problems, python3Missing: py.length > 0 && !verdicts };
}
