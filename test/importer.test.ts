import * as assert from 'node:assert/strict';
import { checkFixedCode } from '../src/core/fix-check';
import { importerFor, withImports, type ImportRequest } from '../src/core/importer';
import { ensureLanguages, parseSync } from '../src/core/parser';
import { pythonDialect } from '../src/core/python/dialect';
import { Semantics } from '../src/core/semantics';
import type { LanguageId } from '../src/core/types';

/** The text with the request made bound, and the name to write; undefined when refused. */
function add(file: string, lang: LanguageId, text: string, req: ImportRequest): [string, string] | undefined {
  const r = withImports(file, lang, text, [req]);
  return r && [r.text, r.names[0]];
}

const ENVIRON: ImportRequest = { module: 'os', member: 'environ' };

describe('import helper: Python', () => {
  before(() => ensureLanguages(['python', 'javascript', 'typescript', 'tsx']));

  it('reuses `from os import environ` and `import os as o` under the names they bind', () => {
    assert.deepEqual(add('a.py', 'python', 'from os import environ\nx = 1\n', ENVIRON), ['from os import environ\nx = 1\n', 'environ']);
    assert.deepEqual(add('a.py', 'python', 'from os import environ as env\n', ENVIRON), ['from os import environ as env\n', 'env']);
    assert.deepEqual(add('a.py', 'python', 'import os as o\n', ENVIRON), ['import os as o\n', 'o.environ']);
    assert.deepEqual(add('a.py', 'python', 'import os.path\n', ENVIRON), ['import os.path\n', 'os.environ']);
    // `from os import path` binds no `os`: a module import is added.
    assert.deepEqual(add('a.py', 'python', 'from os import path\n', ENVIRON), ['from os import path\nimport os\n', 'os.environ']);
  });

  it('puts a new import after the docstring, __future__ imports and the leading imports', () => {
    const src = '"""Doc."""\nfrom __future__ import annotations\n\nimport sys  # why\nx = sys.argv\n';
    assert.deepEqual(add('a.py', 'python', src, ENVIRON), ['"""Doc."""\nfrom __future__ import annotations\n\nimport sys  # why\nimport os\nx = sys.argv\n', 'os.environ']);
    assert.deepEqual(add('a.py', 'python', '"""Doc."""\nx = 1', ENVIRON)?.[0], '"""Doc."""\nimport os\nx = 1');
    assert.deepEqual(add('a.py', 'python', '"""Doc."""', ENVIRON)?.[0], '"""Doc."""\nimport os');
  });

  it('keeps a shebang on line 1 and an encoding declaration on line 1 or 2', () => {
    assert.equal(add('a.py', 'python', '#!/usr/bin/env python3\nx = 1\n', ENVIRON)?.[0], '#!/usr/bin/env python3\nimport os\nx = 1\n');
    assert.equal(add('a.py', 'python', '# licence\n# -*- coding: latin-1 -*-\nx = 1\n', ENVIRON)?.[0], '# licence\n# -*- coding: latin-1 -*-\nimport os\nx = 1\n');
    // A comment that is not a pragma stays with the code it describes.
    assert.equal(add('a.py', 'python', '# Settings\nDEBUG = True\n', ENVIRON)?.[0], 'import os\n# Settings\nDEBUG = True\n');
  });

  it('adds several imports in the order asked, and maps positions past them', () => {
    const r = withImports('a.py', 'python', 'x = 1\n', [{ module: 'os' }, { module: 'secure' }])!;
    assert.deepEqual([r.text, r.names], ['import os\nimport secure\nx = 1\n', ['os', 'secure']]);
    assert.equal(r.text.slice(r.moved(0)), 'x = 1\n');
  });

  it('writes the file’s own line ending', () => {
    assert.equal(add('a.py', 'python', 'import sys\r\nx = 1\r\n', ENVIRON)?.[0], 'import sys\r\nimport os\r\nx = 1\r\n');
  });

  it('binds by name when asked, and reuses either form', () => {
    const talisman: ImportRequest = { module: 'flask_talisman', member: 'Talisman', byName: true };
    assert.deepEqual(add('a.py', 'python', 'import flask\n', talisman), ['import flask\nfrom flask_talisman import Talisman\n', 'Talisman']);
    assert.deepEqual(add('a.py', 'python', 'import flask_talisman as ft\n', talisman), ['import flask_talisman as ft\n', 'ft.Talisman']);
    assert.deepEqual(add('a.py', 'python', 'from security_helpers import fingerprint\n', { module: 'security_helpers.fingerprint', member: 'f', byName: true }), ['from security_helpers import fingerprint\n', 'fingerprint.f']);
  });

  it('refuses a name other code binds, and an import that only comes after the use', () => {
    assert.equal(add('a.py', 'python', 'os = get_os()\nx = 1\n', ENVIRON), undefined);
    assert.equal(add('a.py', 'python', 'import os\nos = None\n', ENVIRON), undefined);
    assert.equal(add('a.py', 'python', 'def f(os):\n    return os\n', ENVIRON), undefined);
    // A relative import names another module.
    assert.deepEqual(add('a.py', 'python', 'from .os import environ\n', ENVIRON), ['from .os import environ\nimport os\n', 'os.environ']);
    const text = 'DEBUG = True\nimport os\n';
    const tree = parseSync('python', text);
    const got = importerFor('a.py', 'python', text, tree.rootNode, new Semantics(tree.rootNode, pythonDialect)).use(ENVIRON, 0);
    tree.delete();
    assert.deepEqual(got, { name: 'os.environ', edits: [{ start: 0, end: 0, newText: 'import os\n' }] });
  });
});

describe('import helper: JavaScript and TypeScript', () => {
  before(() => ensureLanguages(['python', 'javascript', 'typescript', 'tsx']));
  const HELMET: ImportRequest = { module: 'helmet', member: 'default' };

  it('adds require or import as the file does, after the leading ones', () => {
    assert.deepEqual(add('a.js', 'javascript', "const express = require('express');\nconst app = express();\n", HELMET), [
      "const express = require('express');\nconst helmet = require('helmet');\nconst app = express();\n",
      'helmet',
    ]);
    assert.deepEqual(add('a.js', 'javascript', 'import express from "express";\nconst app = express();\n', HELMET), [
      'import express from "express";\nimport helmet from "helmet";\nconst app = express();\n',
      'helmet',
    ]);
    // No imports at all: by extension.
    assert.equal(add('a.js', 'javascript', 'run();\n', HELMET)?.[0], "const helmet = require('helmet');\nrun();\n");
    assert.equal(add('a.mjs', 'javascript', 'run();\n', HELMET)?.[0], "import helmet from 'helmet';\nrun();\n");
    assert.equal(add('a.ts', 'typescript', 'run();\n', HELMET)?.[0], "import helmet from 'helmet';\nrun();\n");
  });

  it("stays after a shebang and 'use strict'", () => {
    assert.equal(add('a.js', 'javascript', "#!/usr/bin/env node\n'use strict';\nrun();\n", HELMET)?.[0], "#!/usr/bin/env node\n'use strict';\nconst helmet = require('helmet');\nrun();\n");
  });

  it('reuses default, namespace, named and destructured imports; node: and bare built-in names are one module', () => {
    const rb: ImportRequest = { module: 'node:crypto', member: 'randomBytes', byName: true };
    assert.equal(add('a.js', 'javascript', "const h = require('helmet');\n", HELMET)?.[1], 'h');
    assert.equal(add('a.ts', 'typescript', "import h from 'helmet';\n", HELMET)?.[1], 'h');
    assert.equal(add('a.js', 'javascript', "const { randomBytes: rnd } = require('crypto');\n", rb)?.[1], 'rnd');
    assert.equal(add('a.js', 'javascript', "const c = require('crypto');\n", rb)?.[1], 'c.randomBytes');
    assert.equal(add('a.ts', 'typescript', "import * as c from 'node:crypto';\n", rb)?.[1], 'c.randomBytes');
    assert.equal(add('a.ts', 'typescript', "import c from 'crypto';\n", rb)?.[1], 'c.randomBytes');
    assert.equal(add('a.ts', 'typescript', "import { randomBytes as r } from 'crypto';\n", rb)?.[1], 'r');
    assert.deepEqual(add('a.ts', 'typescript', "import type { X } from 'node:crypto';\n", rb), ["import type { X } from 'node:crypto';\nimport { randomBytes } from 'node:crypto';\n", 'randomBytes']);
    // A default import of a package is not its namespace.
    assert.equal(add('a.ts', 'typescript', "import l from 'lodash';\n", { module: 'lodash', member: 'merge', byName: true })?.[1], 'merge');
  });

  it('refuses a name other code binds', () => {
    assert.equal(add('a.js', 'javascript', 'function helmet() {}\n', HELMET), undefined);
    assert.equal(add('a.js', 'javascript', "const { helmet } = config;\n", HELMET), undefined);
  });
});

describe('fixed-code check (the rule tester’s compile and name check)', function () {
  // python3 and a TypeScript program (parsing the standard library once): generous for a loaded machine.
  this.timeout(300_000);
  const fixed = (language: LanguageId, file: string, before: string, after: string) => ({ ruleId: 'test-rule', index: 0, language, file, before, after, safe: true });

  it('finds the NameError and the misplaced __future__ import that parsing cannot see', () => {
    const { problems, python3Missing } = checkFixedCode([
      fixed('python', 'app.py', 'from os import environ\napp.run(debug=True)', 'from os import environ\napp.run(debug=os.environ.get("D") == "1")'),
      fixed('python', 'app.py', '"""D."""\nfrom __future__ import annotations\nx = 1', 'import os\n"""D."""\nfrom __future__ import annotations\nx = os.sep'),
      // Names the case leaves unbound before the fix are not the fix's doing.
      fixed('python', 'app.py', 'def f():\n    return key\n', 'def f():\n    return key + 1\n'),
      fixed('python', 'app.py', 'def f():\n    global g\n    g = 1\nprint(g)', 'def f():\n    global g\n    g = 2\nprint(g, [h for h in g])'),
    ]);
    assert.equal(python3Missing, false);
    assert.deepEqual(problems.map((p) => p.problem), [
      'the fixed code uses names nothing binds (NameError): os',
      'the fixed code does not compile: from __future__ imports must occur at the beginning of the file (line 3)',
    ]);
  });

  it('type-checks JavaScript and TypeScript fixes against the code before them', () => {
    const { problems } = checkFixedCode([
      fixed('typescript', 'app.ts', "const app = express();\napp.get('/', h);", "const app = express();\napp.use(helmet());\napp.get('/', h);"),
      fixed('javascript', 'app.js', "const app = express();", "const helmet = require('helmet');\nconst app = express();\napp.use(helmet());"),
      fixed('typescript', 'app.ts', "import * as crypto from 'node:crypto';\ncrypto.createHash('md5');", "import * as crypto from 'node:crypto';\ncrypto.createHash('sha256', 1, 2);"),
    ]);
    assert.equal(problems.length, 2);
    assert.match(problems[0].problem, /TS2304: Cannot find name 'helmet'/);
    assert.match(problems[1].problem, /TS2554: Expected 1-2 arguments, but got 3/);
  });

});
