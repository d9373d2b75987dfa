import type { Node } from 'web-tree-sitter';
import { OWASP, type Rule } from '../../core/rule';

const NAME_ONLY = new Set(['tempfile.mktemp', 'os.tempnam', 'os.tmpnam']);

const rule: Rule = {
  meta: {
    id: 'py-insecure-temp-file',
    title: 'Temporary file name chosen before the file exists (mktemp)',
    language: 'python',
    family: 'misc',
    checklist: [],
    severity: 'medium',
    confidence: 'high',
    cwe: ['CWE-377'],
    owasp: [OWASP.A01],
    bandit: ['B306'],
    message: 'mktemp only returns a name: another process can create that file first. Create the file atomically with tempfile.mkstemp or NamedTemporaryFile.',
    docs: {
      whatItDoes: 'Finds `tempfile.mktemp()` and the Python 2 `os.tempnam()` / `os.tmpnam()`, which return a file name without creating the file. There is no automatic fix: `mkstemp()` returns an open descriptor and a path, so the code around the call has to change.',
      whyBad: 'Between choosing the name and opening it, another local user can create the file or a symlink with that name in the shared temporary folder: the program then writes into a file the attacker controls or overwrites a file the link points to.',
      example: 'path = tempfile.mktemp(suffix=".csv")\nwith open(path, "w") as fh:\n    fh.write(report)',
      useInstead: 'with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as fh:\n    fh.write(report)\n    path = fh.name\n# or: fd, path = tempfile.mkstemp(suffix=".csv"); os.fdopen(fd, "w")',
      references: ['https://cwe.mitre.org/data/definitions/377.html', 'https://docs.python.org/3/library/tempfile.html#tempfile.mktemp'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    return {
      call(node: Node) {
        const name = sem.calleeName(node);
        if (name && NAME_ONLY.has(name)) ctx.report({ node });
      },
    };
  },
  tests: {
    valid: [
      'import tempfile\nfd, path = tempfile.mkstemp(suffix=".csv")',
      'import tempfile\nwith tempfile.NamedTemporaryFile() as fh:\n    fh.write(b"x")',
      '# tempfile.mktemp() is racy\nx = "tempfile.mktemp"',
      'def mktemp():\n    return 1\nmktemp()',
    ],
    invalid: [
      { code: 'import tempfile\npath = tempfile.mktemp(suffix=".csv")', errors: [2], messages: ["mktemp only returns a name: another process can create that file first. Create the file atomically with tempfile.mkstemp or NamedTemporaryFile."] },
      { code: 'from tempfile import mktemp\nout = mktemp()', errors: [2] },
    ],
  },
};

export default rule;
