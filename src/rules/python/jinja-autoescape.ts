import type { Node } from 'web-tree-sitter';
import { OWASP, type Rule } from '../../core/rule';

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
      whatItDoes: 'Finds `jinja2.Environment(...)` created with `autoescape=False` or without the argument (Jinja2 defaults to no escaping), unless the loader renders only non-HTML files.',
      whyBad: 'Every `{{ value }}` from a user then lands in the page as raw HTML: cross-site scripting wherever the template shows user data.',
      example: 'env = Environment(loader=FileSystemLoader("templates"))',
      useInstead: 'from jinja2 import Environment, FileSystemLoader, select_autoescape\nenv = Environment(loader=FileSystemLoader("templates"), autoescape=select_autoescape())',
      references: ['https://cwe.mitre.org/data/definitions/79.html', 'https://jinja.palletsprojects.com/en/stable/api/#autoescaping'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    return {
      call(node: Node) {
        const name = sem.calleeName(node);
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
    ],
    invalid: [
      { code: 'from jinja2 import Environment, FileSystemLoader\nenv = Environment(loader=FileSystemLoader("t"))', errors: [2], output: 'from jinja2 import Environment, FileSystemLoader\nenv = Environment(loader=FileSystemLoader("t"), autoescape=True)' },
      { code: 'import jinja2\nenv = jinja2.Environment(autoescape=False)', errors: [2], output: 'import jinja2\nenv = jinja2.Environment(autoescape=True)' },
      { code: 'from jinja2 import Environment\nEnvironment()', errors: [2] },
    ],
  },
};

export default rule;
