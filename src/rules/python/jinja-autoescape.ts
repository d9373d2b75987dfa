import type { Node } from 'web-tree-sitter';
import { OWASP, type Rule } from '../../core/rule';

// Environments made for you by a framework, escaping by default: only an explicit `autoescape=False` turns it off.
const ESCAPING_BY_DEFAULT = new Set([
  'aiohttp_jinja2.setup', 'starlette.templating.Jinja2Templates', 'fastapi.templating.Jinja2Templates',
]);

const rule: Rule = {
  meta: {
    id: 'py-jinja-autoescape-off',
    title: 'Jinja2 environment without autoescaping',
    language: 'python',
    family: 'xss',
    checklist: ['input-validation'],
    severity: 'medium',
    confidence: 'high',
    cwe: ['CWE-79'],
    owasp: [OWASP.A03],
    bandit: ['B701'],
    message: 'Templates rendered by this environment do not escape HTML: pass autoescape=select_autoescape().',
    docs: {
      whatItDoes: 'Finds `jinja2.Environment(...)` created with `autoescape=False` or without the argument (Jinja2 defaults to no escaping), unless the loader renders only non-HTML files; and `autoescape=False` given to the environments frameworks build (aiohttp-jinja2 `setup`, Starlette/FastAPI `Jinja2Templates`) or set on Flask\'s `app.jinja_env.autoescape`.',
      whyBad: 'Every `{{ value }}` from a user then lands in the page as raw HTML: cross-site scripting wherever the template shows user data.',
      example: 'from jinja2 import Environment, FileSystemLoader\nenv = Environment(loader=FileSystemLoader("templates"))',
      useInstead: 'from jinja2 import Environment, FileSystemLoader, select_autoescape\nenv = Environment(loader=FileSystemLoader("templates"), autoescape=select_autoescape())',
      references: ['https://cwe.mitre.org/data/definitions/79.html', 'https://jinja.palletsprojects.com/en/stable/api/#autoescaping'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    return {
      // Flask: `app.jinja_env.autoescape = False` (or a function that always says no).
      assignment(node: Node) {
        const left = node.childForFieldName('left');
        const right = node.childForFieldName('right');
        if (left?.type !== 'attribute' || right?.type !== 'false') return;
        if (!/(^|\.)jinja_env\.autoescape$/.test(left.text)) return;
        ctx.report({ node, fix: { title: 'Turn autoescaping on', safe: false, edits: [ctx.replace(right, 'True')] } });
      },
      call(node: Node) {
        const name = sem.calleeName(node);
        if (name && ESCAPING_BY_DEFAULT.has(name)) {
          const off = sem.args(node).keywords.get('autoescape');
          if (off?.type === 'false') ctx.report({ node, fix: { title: 'Turn autoescaping on', safe: false, edits: [ctx.replace(off, 'True')] } });
          return;
        }
        if (name !== 'jinja2.Environment' && name !== 'jinja2.environment.Environment') return;
        const a = sem.args(node);
        if (a.hasSplat) return;
        const ae = a.keywords.get('autoescape');
        if (ae && ae.type !== 'false') return;
        const args = node.childForFieldName('arguments')!;
        const fix = ae
          ? { title: 'Turn autoescaping on', safe: false, edits: [ctx.replace(ae, 'True')] }
          : { title: 'Turn autoescaping on', safe: false, edits: [ctx.insertAt(args.endIndex - 1, `${a.positional.length || a.keywords.size ? ', ' : ''}autoescape=True`)] };
        ctx.report({ node, fix });
      },
    };
  },
  tests: {
    valid: [
      'from jinja2 import Environment, select_autoescape\nEnvironment(autoescape=select_autoescape())',
      'import jinja2\njinja2.Environment(autoescape=True)',
      '# Environment() without autoescape is risky\nx = "Environment()"',
      'from jinja2 import Environment\nEnvironment(**options)',
      'import aiohttp_jinja2, jinja2\naiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader("t"))',
      'from fastapi.templating import Jinja2Templates\ntemplates = Jinja2Templates(directory="templates")',
      'app.jinja_env.autoescape = True',
    ],
    invalid: [
      { code: 'from jinja2 import Environment, FileSystemLoader\nenv = Environment(loader=FileSystemLoader("t"))', errors: [2], messages: [{ messageId: 'default' }], output: 'from jinja2 import Environment, FileSystemLoader\nenv = Environment(loader=FileSystemLoader("t"), autoescape=True)' },
      { code: 'import jinja2\nenv = jinja2.Environment(autoescape=False)', errors: [2], messages: [{ messageId: 'default' }], output: 'import jinja2\nenv = jinja2.Environment(autoescape=True)' },
      { code: 'from jinja2 import Environment\nEnvironment()', errors: [2], messages: [{ messageId: 'default' }] },
      { code: 'import aiohttp_jinja2, jinja2\naiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader("t"), autoescape=False)', errors: [2], messages: [{ messageId: 'default' }], output: 'import aiohttp_jinja2, jinja2\naiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader("t"), autoescape=True)' },
      { code: 'from starlette.templating import Jinja2Templates\ntemplates = Jinja2Templates(directory="templates", autoescape=False)', errors: [2], messages: [{ messageId: 'default' }] },
      { code: 'from flask import Flask\napp = Flask(__name__)\napp.jinja_env.autoescape = False', errors: [3], messages: [{ messageId: 'default' }], output: 'from flask import Flask\napp = Flask(__name__)\napp.jinja_env.autoescape = True' },
    ],
  },
};

export default rule;
