/** File → language, and the test-path policy. What each language is lives in language-registry.ts. */
import type { Dialect } from './dialect';
import { LANGUAGE_IDS, LANGUAGES, languageEntry, languageOfFile, type CodeRuleLanguage } from './language-registry';
import { SEVERITY_ORDER, type LanguageId, type Severity } from './types';

export function detectLanguage(filePath: string): LanguageId | undefined {
  return languageOfFile(filePath)?.id;
}

/** The rule set that analyses a language: throws for an id the registry does not have. */
export function ruleLanguageOf(lang: LanguageId): CodeRuleLanguage {
  return languageEntry(lang).rules.id;
}

/** The semantics dialect of a language: throws for an id the registry does not have. */
export function dialectOf(lang: LanguageId): Dialect {
  return languageEntry(lang).rules.dialect;
}

const TEST_DIRECTORY = /\/(tests?|__tests__|spec|specs|fixtures?|examples?|samples?|testing)\//;
const TEST_FILES: readonly RegExp[] = LANGUAGE_IDS.flatMap((id) => LANGUAGES[id].testFiles);

/** Tests, fixtures and examples: what happens to findings there is `testPathTreatment`'s decision. */
export function isTestPath(filePath: string): boolean {
  const p = '/' + filePath.replace(/\\/g, '/').toLowerCase();
  if (TEST_DIRECTORY.test(p)) return true;
  const base = p.slice(p.lastIndexOf('/') + 1);
  return TEST_FILES.some((re) => re.test(base));
}

/**
 * How tests, fixtures and examples are treated: `demote` lowers severities one step and leaves out
 * production-only rules (`skipInTests`), `ignore` does not analyse them, `normal` treats them as
 * production code.
 */
export type TestPathMode = 'demote' | 'ignore' | 'normal';
export const TEST_PATH_MODES: readonly TestPathMode[] = ['demote', 'ignore', 'normal'];
export const DEFAULT_TEST_PATH_MODE: TestPathMode = 'demote';

/** What one file gets under a test-path mode. */
export interface TestPathTreatment {
  /** False: the file is not analysed at all. */
  analyse: boolean;
  /** Whether a rule runs on the file. */
  runs(meta: { skipInTests?: boolean }): boolean;
  /** Severity of a finding in the file, from the severity the rule gave. */
  severity(s: Severity): Severity;
  /** Findings are marked as test code (`Finding.inTestCode`). */
  markTestCode: boolean;
}

const PRODUCTION: TestPathTreatment = { analyse: true, runs: () => true, severity: (s) => s, markTestCode: false };
const IGNORED: TestPathTreatment = { analyse: false, runs: () => false, severity: (s) => s, markTestCode: false };
const DEMOTED: TestPathTreatment = {
  analyse: true,
  runs: (meta) => !meta.skipInTests,
  severity: (s) => SEVERITY_ORDER[Math.max(0, SEVERITY_ORDER.indexOf(s) - 1)],
  markTestCode: true,
};

/**
 * The one test-path policy: every analyser (syntax rules, text rules, anything added later) asks
 * here, so the modes cannot mean different things in different places.
 */
export function testPathTreatment(mode: TestPathMode | undefined, isTestFile: boolean): TestPathTreatment {
  if (!isTestFile) return PRODUCTION;
  switch (mode ?? DEFAULT_TEST_PATH_MODE) {
    case 'ignore':
      return IGNORED;
    case 'normal':
      return PRODUCTION;
    case 'demote':
      return DEMOTED;
    default:
      throw new TypeError(`test-path mode must be ${TEST_PATH_MODES.join(', ')} (got ${JSON.stringify(mode)})`);
  }
}
