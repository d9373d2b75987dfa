import type { LanguageId, RuleLanguage } from './types';

const BY_EXTENSION: Record<string, LanguageId> = {
  '.py': 'python',
  '.pyw': 'python',
  '.js': 'javascript',
  '.mjs': 'javascript',
  '.cjs': 'javascript',
  '.jsx': 'javascript',
  '.ts': 'typescript',
  '.mts': 'typescript',
  '.cts': 'typescript',
  '.tsx': 'tsx',
};

export function detectLanguage(filePath: string): LanguageId | undefined {
  const lower = filePath.toLowerCase();
  if (lower.endsWith('.d.ts')) return undefined; // declarations carry no behaviour
  const dot = lower.lastIndexOf('.');
  if (dot < 0) return undefined;
  return BY_EXTENSION[lower.slice(dot)];
}

export function ruleLanguageOf(lang: LanguageId): RuleLanguage {
  return lang === 'python' ? 'python' : 'javascript';
}

/** Tests, fixtures and examples: findings there are demoted (see engine). */
export function isTestPath(filePath: string): boolean {
  const p = '/' + filePath.replace(/\\/g, '/').toLowerCase();
  return (
    /\/(tests?|__tests__|spec|specs|fixtures?|examples?|samples?|testing)\//.test(p) ||
    /\/test_[^/]*\.py$/.test(p) ||
    /\/[^/]*_tests?\.py$/.test(p) ||
    /\/conftest\.py$/.test(p) ||
    /\.(test|spec)\.[cm]?[jt]sx?$/.test(p)
  );
}
