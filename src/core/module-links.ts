import type { Node } from 'web-tree-sitter';
import { perRuleSet } from './language-registry';
import { ruleLanguageOf } from './languages';
import type { ModuleResolver } from './module-resolution';
import type { Semantics } from './semantics';
import type { LanguageId } from './types';
import { pythonModuleLinks } from './python/module-links';
import { javascriptModuleLinks } from './javascript/module-links';

/** A call into another workspace file: the file, and the export called (`find`, `User.find`, `default`). */
export interface CallTarget {
  file: string;
  name: string;
}

/** What the workspace index must know of a language to link its files: calls out, functions in. */
export interface ModuleLinks {
  /** The workspace function a call calls, through the file's imports (names resolved by `sem`). */
  callTarget(sem: Semantics, call: Node, fromFile: string, resolver: ModuleResolver, memo: Map<string, CallTarget | null>): CallTarget | undefined;
  /** The functions other files can call, by export name. */
  exportedFunctions(root: Node): Map<string, Node>;
  /** Parameter names in call order (undefined where a position cannot be mapped: patterns, splats). */
  parameters(fn: Node): (string | undefined)[];
  /** The expressions the function returns (not those of functions nested in it). */
  returnedValues(fn: Node): Node[];
  /**
   * Whether a file can hold a function that returns request data it did not receive as an
   * argument: it must read a global source (the dialect's `isTaintSource` without a parameter),
   * e.g. Flask's imported `request`, or the DOM's `location`.
   */
  mayReadGlobalSource(text: string): boolean;
  /**
   * Whether request data can be read in a file at all (the words every source of the dialect
   * needs). False lets a file's calls into other files go unexamined: most files of a large
   * tree never touch a request.
   */
  mayReadSources(text: string): boolean;
  /** Whether `text` can define a function called `name` (a cheap test before a parse). */
  mayDefine(text: string, name: string): boolean;
}

export function moduleLinksFor(lang: LanguageId): ModuleLinks {
  return perRuleSet(ruleLanguageOf(lang), { python: pythonModuleLinks, javascript: javascriptModuleLinks });
}
