import type { Node } from 'web-tree-sitter';
import { lookup } from '../../core/lookup';
import { OWASP, type Rule } from '../../core/rule';

const ALWAYS: Record<string, string> = {
  'pickle.loads': 'pickle', 'pickle.load': 'pickle', 'pickle.Unpickler': 'pickle', 'cPickle.loads': 'pickle', 'cPickle.load': 'pickle',
  '_pickle.loads': 'pickle', '_pickle.load': 'pickle', 'dill.loads': 'dill', 'dill.load': 'dill', 'shelve.open': 'shelve',
  'jsonpickle.decode': 'jsonpickle', 'marshal.loads': 'marshal', 'marshal.load': 'marshal', 'pandas.read_pickle': 'pandas.read_pickle',
  'yaml.unsafe_load': 'yaml.unsafe_load', 'yaml.unsafe_load_all': 'yaml.unsafe_load_all', 'joblib.load': 'joblib',
  'pickle._loads': 'pickle', 'pickle._load': 'pickle', 'pickle._Unpickler': 'pickle', '_pickle.Unpickler': 'pickle', 'cPickle.Unpickler': 'pickle',
  'dill.Unpickler': 'dill', 'cloudpickle.loads': 'pickle', 'cloudpickle.load': 'pickle', 'jsonpickle.unpickler.decode': 'jsonpickle',
  'shelve.DbfilenameShelf': 'shelve', 'shelve.Shelf': 'shelve', 'pandas.io.pickle.read_pickle': 'pandas.read_pickle',
  'yaml.UnsafeLoader': 'yaml.UnsafeLoader', 'yaml.Loader': 'yaml.Loader', 'yaml.FullLoader': 'yaml.FullLoader',
};
/** yaml's full_load: FullLoader, which has had object-construction bypasses; safe_load is the rewrite. */
const FULL_LOAD: Record<string, string> = { 'yaml.full_load': 'safe_load', 'yaml.full_load_all': 'safe_load_all' };
/**
 * `u = pickle.Unpickler(f); u.find_global = allow_list` (Python 2's way to restrict what an
 * unpickler may construct): the class lookup is replaced, so the load is not the unrestricted one.
 */
function restrictedUnpickler(call: Node): boolean {
  const assign = call.parent?.type === 'assignment' ? call.parent : undefined;
  const target = assign?.childForFieldName('left');
  if (!target || target.type !== 'identifier') return false;
  let scope: Node | null = assign!.parent;
  while (scope && scope.type !== 'block' && scope.type !== 'module') scope = scope.parent;
  if (!scope) return false;
  return scope.descendantsOfType('assignment').some((a) => {
    const left = a?.childForFieldName('left');
    return left?.type === 'attribute' && left.childForFieldName('object')?.text === target.text && /^find_(global|class)$/.test(left.childForFieldName('attribute')?.text ?? '');
  });
}
const SAFE_LOADERS = /(^|\.)(SafeLoader|CSafeLoader|BaseLoader|CBaseLoader)$/;

const rule: Rule = {
  meta: {
    id: 'py-unsafe-deserialization',
    title: 'Unsafe deserialisation (pickle, marshal, yaml.load)',
    language: 'python',
    family: 'deserialization',
    checklist: ['input-validation'],
    severity: 'high',
    confidence: 'medium',
    cwe: ['CWE-502'],
    owasp: [OWASP.A08],
    bandit: ['B301', 'B302', 'B506', 'B614'],
    message: 'Deserialising this format can run arbitrary code: use JSON or yaml.safe_load for data from outside.',
    docs: {
      whatItDoes: 'Finds pickle, cPickle, dill, cloudpickle, shelve, jsonpickle, marshal, joblib and `pandas.read_pickle` loads (and their Unpickler classes), `yaml.load` without a safe loader, `yaml.full_load`, `yaml.unsafe_load`, yaml\'s unsafe Loader classes used directly, `torch.load` without `weights_only=True`, and `numpy.load(allow_pickle=True)`.',
      whyBad: 'These formats describe objects to construct, and constructing them can call any function: a crafted payload runs code on the server the moment it is loaded.',
      example: 'import pickle\nsession = pickle.loads(base64.b64decode(request.cookies["session"]))',
      useInstead: 'import json\nsession = json.loads(raw)\n# YAML: yaml.safe_load(text)\n# signed data you produced yourself: itsdangerous, and still not pickle',
      references: ['https://cwe.mitre.org/data/definitions/502.html', 'https://docs.python.org/3/library/pickle.html', 'https://pyyaml.org/wiki/PyYAMLDocumentation'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    return {
      call(node: Node) {
        const name = sem.calleeName(node);
        // Sinks first: arguments and taint are worth reading only for calls that load data.
        if (!name || !(lookup(ALWAYS, name) || lookup(FULL_LOAD, name) || name === 'yaml.load' || name === 'yaml.load_all' || name === 'torch.load' || name === 'numpy.load')) return;
        const a = sem.args(node);
        const data = a.positional[0];
        const taint = sem.taint(data);
        if (lookup(ALWAYS, name)) {
          if (data && sem.isConstant(data)) return;
          if (/\.(_)?Unpickler$/.test(name) && restrictedUnpickler(node)) return;
          ctx.report({ node, taint, message: `${lookup(ALWAYS, name)} can run code while loading: do not load data that may come from outside.` });
          return;
        }
        if (lookup(FULL_LOAD, name)) {
          const callee = sem.dialect.callee(node)!;
          const canFix = callee.type === 'attribute' && data && a.positional.length === 1 && a.keywords.size === 0;
          const obj = callee.type === 'attribute' ? callee.childForFieldName('object')!.text : '';
          ctx.report({ node, taint, message: `${name} uses FullLoader, which has been bypassed to construct Python objects: use yaml.${lookup(FULL_LOAD, name)}.`, fix: canFix ? { title: `Use yaml.${lookup(FULL_LOAD, name)}`, safe: true, edits: [ctx.replace(node, `${obj}.${lookup(FULL_LOAD, name)}(${data.text})`)] } : undefined });
          return;
        }
        if (name === 'yaml.load' || name === 'yaml.load_all') {
          const loader = a.keywords.get('Loader') ?? a.positional[1];
          if (loader && SAFE_LOADERS.test(sem.qualifiedName(loader) ?? loader.text)) return;
          if (a.hasSplat) return;
          const callee = sem.dialect.callee(node)!;
          const canFix = callee.type === 'attribute' && data && a.positional.length <= 2 && [...a.keywords.keys()].every((k) => k === 'Loader');
          const obj = callee.type === 'attribute' ? callee.childForFieldName('object')!.text : '';
          ctx.report({
            node,
            taint,
            message: 'yaml.load without SafeLoader can construct any Python object: use yaml.safe_load.',
            fix: canFix ? { title: 'Use yaml.safe_load', safe: true, edits: [ctx.replace(node, `${obj}.safe_${name === 'yaml.load' ? 'load' : 'load_all'}(${data.text})`)] } : undefined,
          });
          return;
        }
        if (name === 'torch.load') {
          const w = a.keywords.get('weights_only');
          if (w?.type === 'true') return;
          ctx.report({ node, taint, message: 'torch.load unpickles the file: pass weights_only=True.' });
          return;
        }
        if (name === 'numpy.load' && a.keywords.get('allow_pickle')?.type === 'true') {
          ctx.report({ node, taint, message: 'numpy.load with allow_pickle=True unpickles object arrays: keep allow_pickle off for untrusted files.' });
        }
      },
    };
  },
  tests: {
    valid: [
      'import yaml\nyaml.safe_load(text)',
      'import yaml\nyaml.load(text, Loader=yaml.SafeLoader)',
      'import json\njson.loads(body)',
      '# pickle.loads(data) is dangerous\ns = "yaml.load(x)"',
      'import torch\ntorch.load(path, weights_only=True)',
    ],
    invalid: [
      { code: 'import yaml\nconfig = yaml.load(request.data)', errors: [2], messages: ['yaml.load without SafeLoader can construct any Python object: use yaml.safe_load.'], output: 'import yaml\nconfig = yaml.safe_load(request.data)' },
      { code: 'import yaml\ndoc = yaml.load(stream, Loader=yaml.FullLoader)', errors: [2], messages: ['yaml.load without SafeLoader can construct any Python object: use yaml.safe_load.'], output: 'import yaml\ndoc = yaml.safe_load(stream)' },
      { code: 'import pickle, base64\nfrom flask import request\nobj = pickle.loads(base64.b64decode(request.cookies["state"]))', errors: [3], messages: ['pickle can run code while loading: do not load data that may come from outside.'] },
      { code: 'import marshal\ncode = marshal.loads(blob)', errors: [2], messages: ['marshal can run code while loading: do not load data that may come from outside.'] },
      { code: 'from pickle import load as unpickle\nwith open(p, "rb") as fh:\n    model = unpickle(fh)', errors: [3], messages: ['pickle can run code while loading: do not load data that may come from outside.'] },
    ],
  },
};

export default rule;
