/**
 * A rule's taint (`sem.taint(x)`: syntax nodes) as the input of `buildFlow` (finding.ts, which
 * words the path): each hop's range, code and how the data got there, and the name of what the
 * flagged code reaches. Only facts read from the tree are decided here, no wording.
 */
import type { Node } from 'web-tree-sitter';
import type { FlowHopInput, FlowInput } from './finding';
import type { Semantics } from './semantics';
import type { Range } from './types';

/** Ancestors looked through from the flagged node to the call it is an argument of. */
const SINK_SEARCH_DEPTH = 4;

/** Node types at which the search for the sink's call stops: past them the call is another statement's. */
const STOP = /(^|_)(statement|block|body|module|program|definition|declaration)$|^(function|arrow_function|lambda|method_definition)$/;

/**
 * A hop known only from another file's summary (the cross-file analysis): no syntax node of this
 * tree, a position and the file. `file` is the same kind of path as `Finding.file`: the path the
 * scanner handed the engine for that file.
 */
export interface ForeignHop {
  file: string;
  range: Range;
  /** The code there, as the summary recorded it (the bound name, the source expression). */
  text: string;
  how?: FlowHopInput['how'];
}

/** A hop of a taint: a node of the file being analysed, or a location in another file. */
export type TaintHop = Node | ForeignHop;

/**
 * `taint` is a `TaintInfo` (semantics.ts); its source and steps may also be `ForeignHop`s once the
 * taint follows other files (widen the fields of `TaintInfo` to `TaintHop`: nothing here changes).
 */
export function flowFromTaint(
  taint: { source: TaintHop; steps: readonly TaintHop[] },
  file: string,
  sinkNode: Node,
  sinkRange: Range,
  sem: Semantics,
  rangeOf: (n: Node) => Range,
): FlowInput {
  const hop = (h: TaintHop, how: (n: Node) => FlowHopInput['how']): FlowHopInput => {
    if (isNode(h)) return { range: rangeOf(h), text: h.text, how: how(h) };
    // A summary may name the file being analysed: that hop is local.
    return { range: h.range, text: h.text, ...(h.how ? { how: h.how } : {}), ...(h.file !== file ? { file: h.file } : {}) };
  };
  return {
    source: hop(taint.source, (n) => (bindingKind(n, sem) === 'param' ? 'param' : undefined)),
    steps: taint.steps.map((s) => hop(s, (n) => bindingKind(n, sem) ?? 'other')),
    sink: { range: sinkRange, ...sinkName(sinkNode, sem) },
  };
}

function isNode(h: TaintHop): h is Node {
  return typeof (h as Node).startIndex === 'number';
}

/** The hop as a node of the file being analysed, or undefined when it is in another file. */
export function localNode(h: TaintHop | undefined): Node | undefined {
  return h && isNode(h) ? h : undefined;
}

/** The kind of the binding made at `node` (a step is the identifier a binding binds). */
function bindingKind(node: Node, sem: Semantics): FlowHopInput['how'] {
  if (!sem.dialect.isIdentifier(node)) return undefined;
  const b = sem.bindingsOf(node).find((x) => x.at.id === node.id);
  if (!b) return undefined;
  return b.kind === 'assign' || b.kind === 'param' || b.kind === 'loop' || b.kind === 'destructure' ? b.kind : 'other';
}

/**
 * Calls that make a value from their input rather than consume it: a flagged argument that is
 * such a call (`redirect("/g/{}".format(id))`, `res.send(out.toString())`) reaches the call
 * around it. The propagator models name most (`format`, `join`, `trim`…); conversions to text are
 * not rows there.
 */
const TO_TEXT = new Set(['toString', 'str', 'String']);

/**
 * What the flagged code reaches: the call it is, or is an argument of, by qualified name when
 * imports tell it (`subprocess.run`), else as written (`cursor.execute`); the target of the
 * assignment it is the value of (`el.innerHTML`); or the return statement it is in.
 */
function sinkName(node: Node, sem: Semantics): Pick<FlowInput['sink'], 'name' | 'returned'> {
  const d = sem.dialect;
  let below: Node = node;
  for (let n: Node | null = node, up = 0; n && up <= SINK_SEARCH_DEPTH; below = n, n = n.parent, up++) {
    if (n !== node && STOP.test(n.type)) return n.type === 'return_statement' ? { returned: true } : {};
    if (d.isCall(n) || d.isNew(n)) {
      const callee = d.callee(n);
      if (callee && below !== n && within(below, callee)) return {}; // part of the callee, not an argument
      const method = sem.methodName(n);
      if (method !== undefined && (d.propagators.has(method) || TO_TEXT.has(method))) continue;
      return { name: sem.calleeName(n) ?? callee?.text };
    }
    if (n.type.includes('assignment')) {
      const left = n.childForFieldName('left');
      return left && !within(node, left) ? { name: left.text } : {};
    }
  }
  return {};
}

function within(inner: Node, outer: Node): boolean {
  return outer.startIndex <= inner.startIndex && inner.endIndex <= outer.endIndex;
}
