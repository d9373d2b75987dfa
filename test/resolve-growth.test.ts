/**
 * `Semantics.resolve` finds the binding that reaches a use by binary search over the name's
 * bindings (in document order), not by a scan of all of them: on a module with N bindings of one
 * name and N uses, the work grows ~N log N, not N². Work is counted (reads of a binding's
 * position, one per comparison), never timed.
 */
import * as assert from 'node:assert/strict';
import type { Node } from 'web-tree-sitter';
import { ensureLanguages, parseSync } from '../src/core/parser';
import { captureNodes } from '../src/core/query';
import { Semantics } from '../src/core/semantics';
import { pythonDialect } from '../src/core/python/dialect';
import { javascriptDialect } from '../src/core/javascript/dialect';

before(() => ensureLanguages(['python', 'javascript']));

/** Resolves every use of `x` in a module of `n` rebindings, each followed by a use; counts comparisons. */
function resolveWork(lang: 'python' | 'javascript', n: number): number {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) lines.push(lang === 'python' ? `x = ${i}` : `x = ${i};`, lang === 'python' ? 'f(x)' : 'f(x);');
  if (lang === 'javascript') lines.unshift('let x;');
  const tree = parseSync(lang, lines.join('\n'));
  const s = new Semantics(tree.rootNode, lang === 'python' ? pythonDialect : javascriptDialect);
  let reads = 0;
  // Each comparison reads a binding's position: count those reads on every binding of `x`.
  for (const b of s.moduleBindings()) {
    if (b.name !== 'x') continue;
    const node = b.at;
    b.at = new Proxy(node, {
      get(target, prop) {
        if (prop === 'startIndex') reads++;
        const v = Reflect.get(target, prop, target);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    }) as Node;
  }
  const uses = captureNodes(tree.rootNode, ['identifier']).filter((id) => id.text === 'x' && (id.parent?.type === 'arguments' || id.parent?.type === 'argument_list'));
  assert.equal(uses.length, n);
  uses.forEach((use, i) => {
    const b = s.resolve(use);
    // The use after `x = i` sees that binding, and no other.
    assert.equal(b?.value?.text, String(i), `use ${i}`);
  });
  tree.delete();
  return reads;
}

describe('Semantics.resolve: binary search over a name’s bindings', () => {
  for (const lang of ['python', 'javascript'] as const) {
    it(`${lang}: N bindings and N uses of one name cost ~N log N comparisons, not N²`, () => {
      const small = resolveWork(lang, 250);
      const large = resolveWork(lang, 2000);
      // 8× the size: a scan of every binding per use does 64× the work; N log N about 11×.
      const growth = large / small;
      assert.ok(growth < 16, `work grew ${growth.toFixed(1)}× for 8× the bindings and uses (${small} → ${large})`);
      // And absolutely: at most a few comparisons per use per doubling.
      assert.ok(large <= 2000 * (Math.log2(2000) + 2), `${large} comparisons for 2000 uses`);
    });
  }

  it('a use before every binding of its scope still takes the first one (a loop back-edge, a later def)', () => {
    const tree = parseSync('python', 'def g():\n    for i in range(3):\n        f(y)\n        y = i\n');
    const s = new Semantics(tree.rootNode, pythonDialect);
    const use = captureNodes(tree.rootNode, ['identifier']).find((id) => id.text === 'y' && id.parent?.type === 'argument_list')!;
    assert.equal(s.resolve(use)?.value?.text, 'i');
    tree.delete();
  });
});
