import { ruleSet } from '../language-registry';
import type { Rule } from '../rule';

function fence(code: string, language: string): string {
  return '```' + language + '\n' + code.trimEnd() + '\n```';
}

/** The docs page of one rule, in Markdown: what it does, why it is bad, example, use instead, references. */
export function ruleDocsMarkdown(rule: Rule): string {
  const m = rule.meta;
  // Text rules read files of many formats; every other rule language must be in the registry.
  const code = m.language === 'text' ? undefined : ruleSet(m.language);
  const lines = [
    `# ${m.id}: ${m.title}`,
    '',
    `| | |`,
    `|---|---|`,
    `| Language | ${code ? code.docsLabel : m.id.startsWith('dep-') ? 'package.json, lockfiles, requirements*.txt, pyproject.toml, Pipfile' : 'templates and configuration files'} |`,
    `| Severity | ${m.severity} |`,
    `| Confidence | ${m.confidence} |`,
    `| CWE | ${m.cwe.map((c) => `[${c}](https://cwe.mitre.org/data/definitions/${c.slice(4)}.html)`).join(', ')} |`,
    `| OWASP Top 10 | ${m.owasp.join(', ')} |`,
    ...(m.bandit?.length ? [`| Bandit equivalent | ${m.bandit.join(', ')} |`] : []),
    `| Quick fix | ${rule.tests.invalid.some((c) => c.output !== undefined) ? 'yes' : 'no'} |`,
    '',
    '## What it does',
    '',
    m.docs.whatItDoes,
    '',
    '## Why is this bad?',
    '',
    m.docs.whyBad,
    '',
    '## Example',
    '',
    fence(m.docs.example, code?.docsFence ?? ''),
    '',
    '## Use instead',
    '',
    fence(m.docs.useInstead, code?.docsFence ?? ''),
    '',
    '## Suppressing',
    '',
    code?.comments.line
      ? `Add \`${code.comments.line} sitewarden-ignore[${m.id}]: reason\` on the flagged line or the line before the statement.`
      : m.id.startsWith('dep-')
        ? 'Dependency findings are not suppressed by comments: upgrade, replace or remove the package.'
        : `Add \`sitewarden-ignore[${m.id}]: reason\` in a comment of the file's own syntax (\`# …\`, \`// …\`, \`<!-- … -->\`) on the flagged line or the line before.`,
    '',
    '## References',
    '',
    ...m.docs.references.map((r) => `- ${r}`),
    '',
  ];
  return lines.join('\n');
}
