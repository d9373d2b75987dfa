import type { Rule } from '../rule';

function fence(code: string, language: string): string {
  return '```' + language + '\n' + code.trimEnd() + '\n```';
}

/** The docs page of one rule, in Markdown: what it does, why it is bad, example, use instead, references. */
export function ruleDocsMarkdown(rule: Rule): string {
  const m = rule.meta;
  const lang = m.language === 'python' ? 'python' : m.language === 'javascript' ? 'ts' : '';
  const lines = [
    `# ${m.id}: ${m.title}`,
    '',
    `| | |`,
    `|---|---|`,
    `| Language | ${m.language === 'javascript' ? 'JavaScript / TypeScript' : m.language === 'python' ? 'Python' : m.id.startsWith('dep-') ? 'package.json, lockfiles, requirements*.txt, pyproject.toml, Pipfile' : 'templates and configuration files'} |`,
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
    fence(m.docs.example, lang),
    '',
    '## Use instead',
    '',
    fence(m.docs.useInstead, lang),
    '',
    '## Suppressing',
    '',
    `Add \`${m.language === 'python' ? '#' : '//'} sitewarden-ignore[${m.id}]: reason\` on the flagged line or the line before the statement.`,
    '',
    '## References',
    '',
    ...m.docs.references.map((r) => `- ${r}`),
    '',
  ];
  return lines.join('\n');
}
