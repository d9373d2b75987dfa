import { OWASP, type Rule } from '../core/rule';

/** Metadata of the dependency findings: docs pages, SARIF rules and settings use it. */
function depRule(id: string, title: string, severity: Rule['meta']['severity'], checklist: Rule['meta']['checklist'], cwe: string[], whatItDoes: string, whyBad: string, example: string, useInstead: string): Rule {
  return {
    meta: {
      id,
      title,
      language: 'text',
      family: 'misc',
      checklist,
      severity,
      confidence: 'high',
      cwe,
      owasp: [OWASP.A06],
      message: title,
      docs: { whatItDoes, whyBad, example, useInstead, references: ['https://owasp.org/Top10/A06_2021-Vulnerable_and_Outdated_Components/', 'https://docs.npmjs.com/cli/commands/npm-audit', 'https://docs.pypi.org/api/json/'] },
    },
    create: () => ({}),
    tests: { valid: [], invalid: [] },
  };
}

export const DEPENDENCY_RULES: readonly Rule[] = [
  depRule('dep-vulnerable', 'Dependency version with a known vulnerability', 'high', ['dependencies-current'], ['CWE-1395'], 'Reports a package whose declared or locked version is affected by a published advisory (npm bulk advisories, PyPI vulnerabilities from OSV), on the line that declares it, with the advisory ids and the smallest fixing version.', 'Known vulnerabilities come with public exploits: they are the first thing automated attacks try.', '"lodash": "4.17.15"', '"lodash": "4.17.21"   (the quick fix bumps to the smallest fixed version, keeping ^ / ~ / == / >=)'),
  depRule('dep-outdated', 'Dependency behind the latest release', 'low', [], ['CWE-1104'], 'Reports a package whose version is behind the registry\'s latest release, saying whether the gap is a patch, minor or major release.', 'Old versions miss security fixes that are not always announced as advisories, and big gaps make the eventual upgrade risky.', 'flask==2.0.1', 'flask==3.1.2'),
  depRule('dep-deprecated', 'Deprecated dependency version', 'medium', ['dependencies-current'], ['CWE-1104'], 'Reports npm package versions marked deprecated by their authors, with the deprecation message.', 'Deprecated versions get no fixes; the message often says the package is unsafe or replaced.', '"request": "^2.88.2"', 'Move to the replacement named in the message (e.g. undici or node-fetch).'),
  depRule('dep-yanked', 'Yanked dependency version', 'medium', ['dependencies-current'], ['CWE-1104'], 'Reports PyPI releases that were yanked (withdrawn) by their maintainers.', 'Releases are yanked when they are broken or dangerous; pinning one keeps the problem.', 'somepkg==1.4.0', 'somepkg==1.4.1'),
];
