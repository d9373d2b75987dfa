import type { Node } from 'web-tree-sitter';
import { importerFor } from '../../core/importer';
import { OWASP, type Rule } from '../../core/rule';

const rule: Rule = {
  meta: {
    id: 'py-flask-debug',
    title: 'Flask app run with debug=True',
    language: 'python',
    family: 'config',
    checklist: ['error-handling'],
    severity: 'high',
    confidence: 'high',
    cwe: ['CWE-94', 'CWE-489'],
    owasp: [OWASP.A05],
    bandit: ['B201'],
    skipInTests: true,
    message: 'debug=True starts the Werkzeug debugger, which lets anyone who reaches it run code; take debug from the environment.',
    docs: {
      whatItDoes: 'Finds `app.run(debug=True)` on a Flask application (and `app.debug = True`).',
      whyBad: 'The Werkzeug debugger serves an interactive Python console on every error page. If the app is reachable by anyone else, that is remote code execution; it also leaks source and settings in tracebacks.',
      example: 'app = Flask(__name__)\napp.run(debug=True)',
      useInstead: 'import os\napp.run(debug=os.environ.get("FLASK_DEBUG") == "1")\n# or: flask --app app run --debug, only on your machine',
      references: ['https://flask.palletsprojects.com/en/stable/debugging/', 'https://cwe.mitre.org/data/definitions/489.html'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    const isFlaskApp = (recv: Node | undefined): boolean => {
      if (!recv) return false;
      const q = sem.qualifiedName(recv);
      if (q) return q === 'flask.Flask()' || q.startsWith('flask.Flask()') || q === 'flask.current_app';
      return /^(app|application)$/.test(recv.text) && /\bflask\b/.test(ctx.source);
    };
    return {
      call(node: Node) {
        if (sem.methodName(node) !== 'run' || !isFlaskApp(sem.receiver(node))) return;
        const debug = sem.args(node).keywords.get('debug');
        if (!debug || debug.type !== 'true') return;
        const environ = importerFor(ctx.file, ctx.language, ctx.source, ctx.tree.rootNode, sem).use({ module: 'os', member: 'environ' }, node.startIndex);
        const fix = environ && {
          title: 'Take debug from the FLASK_DEBUG environment variable',
          safe: true,
          edits: [ctx.replace(debug, `${environ.name}.get("FLASK_DEBUG") == "1"`), ...environ.edits],
        };
        ctx.report({ node: debug.parent ?? debug, fix });
      },
      assignment(node: Node) {
        const left = node.childForFieldName('left');
        const right = node.childForFieldName('right');
        if (left?.type !== 'attribute' || right?.type !== 'true') return;
        if (left.childForFieldName('attribute')?.text !== 'debug') return;
        if (!isFlaskApp(left.childForFieldName('object') ?? undefined)) return;
        ctx.report({ node });
      },
    };
  },
  tests: {
    valid: [
      'from flask import Flask\napp = Flask(__name__)\napp.run()',
      'from flask import Flask\napp = Flask(__name__)\napp.run(debug=False)',
      'import os\nfrom flask import Flask\napp = Flask(__name__)\napp.run(debug=os.environ.get("FLASK_DEBUG") == "1")',
      { code: 'from flask import Flask\napp = Flask(__name__)\napp.run(debug=True)', filename: 'tests/test_app.py' },
      'thread.run(debug=True)',
    ],
    invalid: [
      {
        code: 'from flask import Flask\napp = Flask(__name__)\nif __name__ == "__main__":\n    app.run(debug=True)',
        errors: [4],
        output: 'from flask import Flask\nimport os\napp = Flask(__name__)\nif __name__ == "__main__":\n    app.run(debug=os.environ.get("FLASK_DEBUG") == "1")',
      },
      // The file's own import is used under the name it binds.
      {
        code: 'from os import environ\nfrom flask import Flask\napp = Flask(__name__)\napp.run(debug=True)',
        errors: [4],
        output: 'from os import environ\nfrom flask import Flask\napp = Flask(__name__)\napp.run(debug=environ.get("FLASK_DEBUG") == "1")',
      },
      {
        code: 'import os as o\nimport flask\napp = flask.Flask(__name__)\napp.run(debug=True)',
        errors: [4],
        output: 'import os as o\nimport flask\napp = flask.Flask(__name__)\napp.run(debug=o.environ.get("FLASK_DEBUG") == "1")',
      },
      // A new import goes after the docstring and `from __future__` imports.
      {
        code: '"""The app."""\nfrom __future__ import annotations\n\nfrom flask import Flask\napp = Flask(__name__)\napp.run(debug=True)\n',
        errors: [6],
        output: '"""The app."""\nfrom __future__ import annotations\n\nfrom flask import Flask\nimport os\napp = Flask(__name__)\napp.run(debug=os.environ.get("FLASK_DEBUG") == "1")\n',
      },
      { code: 'import flask\napplication = flask.Flask(__name__)\napplication.run(host="0.0.0.0", debug=True)', errors: [3] },
      { code: 'from flask import Flask\napp = Flask(__name__)\napp.debug = True', errors: [3] },
    ],
  },
};

export default rule;
