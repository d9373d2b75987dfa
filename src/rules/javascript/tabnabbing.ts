import type { Node } from 'web-tree-sitter';
import { OWASP, type Rule } from '../../core/rule';

const rule: Rule = {
  meta: {
    id: 'js-tabnabbing',
    title: 'New window opened without noopener (reverse tabnabbing)',
    language: 'javascript',
    family: 'misc',
    checklist: [],
    severity: 'low',
    confidence: 'medium',
    cwe: ['CWE-1022'],
    owasp: [OWASP.A04],
    message: 'The opened page gets window.opener and can redirect this tab: add noopener / rel="noopener noreferrer".',
    docs: {
      whatItDoes: 'Finds `window.open(url)` with a non-constant or external URL and no `noopener` feature, and JSX links with `target="_blank"` to a non-relative URL without `rel="noopener"` or `noreferrer`.',
      whyBad: 'The new page can set `window.opener.location` and silently replace your tab with a phishing copy while the user looks elsewhere. Older browsers do not apply noopener by default.',
      example: "window.open(link.href, '_blank');\n<a href={post.url} target=\"_blank\">",
      useInstead: "window.open(link.href, '_blank', 'noopener,noreferrer');\n<a href={post.url} target=\"_blank\" rel=\"noopener noreferrer\">",
      references: ['https://cwe.mitre.org/data/definitions/1022.html', 'https://owasp.org/www-community/attacks/Reverse_Tabnabbing'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    const jsx = (node: Node) => {
      const attrs = node.namedChildren.filter((a): a is Node => a?.type === 'jsx_attribute');
      const get = (n: string) => attrs.find((a) => a.namedChildren[0]?.text === n)?.namedChildren[1];
      const target = get('target');
      if (!target || !/_blank/.test(target.text)) return;
      const rel = get('rel');
      if (rel && /noopener|noreferrer/.test(rel.text)) return;
      const href = get('href');
      if (!href || /^["']\/(?!\/)|^["']#|^["']mailto:/.test(href.text)) return;
      ctx.report({ node });
    };
    return {
      call_expression(node: Node) {
        const name = sem.calleeName(node);
        if (name !== 'window.open' && name !== 'open') return;
        if (name === 'open' && sem.resolve(sem.dialect.callee(node)!)) return;
        const args = sem.args(node).positional;
        const url = args[0];
        if (!url || (sem.isConstant(url) && /^['"`]\/(?!\/)/.test(url.text))) return;
        if (args[2] && /noopener|noreferrer/.test(args[2].text)) return;
        if (args[1] && /^['"]_(self|parent|top)['"]$/.test(args[1].text)) return;
        ctx.report({ node });
      },
      jsx_opening_element: jsx,
      jsx_self_closing_element: jsx,
    };
  },
  tests: {
    valid: [
      "window.open(url, '_blank', 'noopener,noreferrer');",
      "window.open('/help');",
      { code: 'const A = () => <a href={u} target="_blank" rel="noopener noreferrer">x</a>;', filename: 'a.tsx' },
      { code: 'const B = () => <a href="/docs" target="_blank">docs</a>;', filename: 'b.tsx' },
    ],
    invalid: [
      { code: "window.open(link.href, '_blank');", errors: [1] },
      { code: 'const C = ({ u }) => <a href={u} target="_blank">out</a>;', filename: 'c.tsx', errors: [1] },
      { code: "window.open('https://partner.example.com');", errors: [1] },
    ],
  },
};

export default rule;
