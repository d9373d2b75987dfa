import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Analyzer } from '../src/core/engine';
import {
  commentSyntaxOfFile,
  LANGUAGE_IDS,
  LANGUAGES,
  languageEntry,
  languageOfEditorId,
  perRuleSet,
  RULE_SETS,
  ruleSet,
  suppressionCommentText,
  UnknownLanguageError,
  wasmModules,
  type CodeRuleLanguage,
} from '../src/core/language-registry';
import { detectLanguage, dialectOf, isTestPath, ruleLanguageOf } from '../src/core/languages';
import { ensureLanguages, locateWasm, parseSync } from '../src/core/parser';
import { parseSuppression } from '../src/core/suppressions';
import type { LanguageId, RuleLanguage } from '../src/core/types';
import { RULES_BY_LANGUAGE } from '../src/rules';

const ROOT = path.join(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { activationEvents: string[] };

/** Code each rule set's rule flags, and that rule: written once per rule set, so a new one must add it. */
const FLAGGED: { [K in CodeRuleLanguage]: { rule: string; lines: string[] } } = {
  python: { rule: 'py-weak-hash', lines: ['import hashlib', 'digest = hashlib.md5(data).hexdigest()'] },
  javascript: { rule: 'js-weak-crypto', lines: ["const crypto = require('crypto');", "const digest = crypto.createHash('md5').update(data).digest('hex');"] },
};

before(() => ensureLanguages(LANGUAGE_IDS));

describe('language registry: every entry is complete', () => {
  for (const id of LANGUAGE_IDS) {
    const e = LANGUAGES[id];
    it(`${id}: names, extensions, editor ids, test files and a rule set`, () => {
      assert.equal(e.id, id);
      assert.ok(e.label.trim());
      assert.ok(e.extensions.length > 0);
      for (const ext of e.extensions) assert.match(ext, /^\.[a-z0-9]+$/, `${id}: extension ${ext}`);
      assert.ok(e.vscodeIds.length > 0);
      for (const v of e.vscodeIds) assert.ok(pkg.activationEvents.includes(`onLanguage:${v}`), `package.json activates on ${v}`);
      assert.ok(e.testFiles.length > 0);
      assert.ok(RULE_SETS.includes(e.rules));
    });

    it(`${id}: its grammar file is found and loads, and parses a line`, () => {
      assert.equal(wasmModules()[e.grammar.wasm], e.grammar.module);
      assert.ok(fs.statSync(locateWasm(e.grammar.wasm)).size > 0);
      const tree = parseSync(id, 'x = 1\n');
      try {
        assert.ok(tree.rootNode.childCount > 0);
      } finally {
        tree.delete();
      }
    });

    it(`${id}: every node type its dialect binds or scopes on exists in its grammar`, () => {
      const tree = parseSync(id, '');
      try {
        const d = e.rules.dialect;
        const unknown = [...d.bindingTypes, ...d.scopeTypes].filter((t) => tree.language.idForNodeType(t, true) === null);
        // JavaScript's dialect serves the TypeScript grammars too: only TS may know more, never less.
        assert.deepEqual(unknown, [], `${id}: node types its grammar does not have`);
      } finally {
        tree.delete();
      }
    });
  }

  it('no two languages claim one extension or one editor id', () => {
    const exts = LANGUAGE_IDS.flatMap((id) => LANGUAGES[id].extensions);
    assert.equal(new Set(exts).size, exts.length);
    const editors = LANGUAGE_IDS.flatMap((id) => LANGUAGES[id].vscodeIds);
    assert.equal(new Set(editors).size, editors.length);
  });

  for (const rs of RULE_SETS) {
    it(`rule set ${rs.id}: docs names, comment syntax, its rules folder and rules`, () => {
      assert.ok(rs.docsLabel.trim() && rs.docsFence.trim() && rs.shortId.trim());
      assert.ok(rs.comments.line, 'a line comment, which suppressions are written with');
      assert.ok(rs.commentNodeTypes.includes('comment'));
      assert.equal(ruleLanguageOf(detectLanguage(rs.exampleFile)!), rs.id, 'the example file is one of its languages');
      assert.ok(fs.statSync(path.join(ROOT, 'src', 'rules', rs.id, 'index.ts')).isFile());
      const rules = RULES_BY_LANGUAGE[rs.id];
      assert.ok(rules.length > 0);
      for (const r of rules) assert.equal(r.meta.language, rs.id, `${r.meta.id} is registered under ${rs.id}`);
    });
  }
});

describe('language registry: what reads it', () => {
  it('detectLanguage answers from the entries: every extension, any case, declarations left out', () => {
    for (const id of LANGUAGE_IDS) {
      for (const ext of LANGUAGES[id].extensions) {
        assert.equal(detectLanguage(`src/app${ext}`), id);
        assert.equal(detectLanguage(`SRC/APP${ext.toUpperCase()}`), id);
      }
      for (const suffix of LANGUAGES[id].excludedSuffixes ?? []) assert.equal(detectLanguage(`types/x${suffix}`), undefined);
    }
    assert.equal(detectLanguage('README'), undefined);
    assert.equal(detectLanguage('app.rb'), undefined);
  });

  it("ruleLanguageOf and dialectOf are the entry's rule set", () => {
    for (const id of LANGUAGE_IDS) {
      assert.equal(ruleLanguageOf(id), LANGUAGES[id].rules.id);
      assert.equal(dialectOf(id), LANGUAGES[id].rules.dialect);
    }
    assert.equal(dialectOf('tsx'), dialectOf('javascript'), 'JS, TS and TSX share one dialect');
    assert.notEqual(dialectOf('python'), dialectOf('javascript'));
  });

  it('untitled documents: the editor language id maps to the entry that lists it', () => {
    for (const id of LANGUAGE_IDS) for (const v of LANGUAGES[id].vscodeIds) assert.equal(languageOfEditorId(v), id);
    assert.equal(languageOfEditorId('plaintext'), undefined);
  });

  it('test files are the entries\' patterns plus the shared test directories', () => {
    for (const id of LANGUAGE_IDS) {
      for (const ext of LANGUAGES[id].extensions) {
        assert.equal(isTestPath(`src/app${ext}`), false, `src/app${ext}`);
        assert.equal(isTestPath(`tests/app${ext}`), true);
      }
    }
    assert.equal(isTestPath('pkg/test_views.py'), true);
    assert.equal(isTestPath('pkg/views_test.py'), true);
    assert.equal(isTestPath('pkg/conftest.py'), true);
    assert.equal(isTestPath('src/app.spec.tsx'), true);
    assert.equal(isTestPath('src/app.test.mjs'), true);
    assert.equal(isTestPath('src/test_app.js'), false, 'test_ names are a Python convention only');
    assert.equal(isTestPath('tests/.env'), true, 'directories count for files no grammar parses');
  });

  it('comment syntax: a language file gets its rule set\'s, text files their format\'s', () => {
    for (const id of LANGUAGE_IDS) assert.equal(commentSyntaxOfFile(`a${LANGUAGES[id].extensions[0]}`), LANGUAGES[id].rules.comments);
    assert.equal(commentSyntaxOfFile('Untitled-1', 'python'), LANGUAGES.python.rules.comments);
    assert.equal(suppressionCommentText(commentSyntaxOfFile('app.py'), 'py-x', 'why'), '# sitewarden-ignore[py-x]: why');
    assert.equal(suppressionCommentText(commentSyntaxOfFile('app.tsx'), 'js-x', 'why'), '// sitewarden-ignore[js-x]: why');
    assert.equal(suppressionCommentText(commentSyntaxOfFile('templates/page.html'), 't-x', 'why'), '<!-- sitewarden-ignore[t-x]: why -->');
    assert.equal(suppressionCommentText(commentSyntaxOfFile('.env'), 't-x', 'why'), '# sitewarden-ignore[t-x]: why');
    assert.equal(suppressionCommentText(commentSyntaxOfFile('config.yaml'), 't-x', 'why'), '# sitewarden-ignore[t-x]: why');
  });

  it("parseSuppression strips the language's own delimiters", () => {
    const js = LANGUAGES.javascript.rules.comments;
    assert.equal(parseSuppression('/* sitewarden-ignore[js-x]: reviewed */', 0, true, js)?.justification, 'reviewed');
    assert.deepEqual(parseSuppression('// sitewarden-ignore[js-x, js-y]: ok', 0, true, js)?.ids, ['js-x', 'js-y']);
    assert.equal(parseSuppression('# sitewarden-ignore[py-x]: fine', 0, true, LANGUAGES.python.rules.comments)?.justification, 'fine');
  });

  for (const id of LANGUAGE_IDS) {
    it(`${id}: the suppression comment the editor inserts silences the finding`, () => {
      const rs = LANGUAGES[id].rules;
      const { rule, lines } = FLAGGED[rs.id];
      const file = `src/app${LANGUAGES[id].extensions[0]}`;
      const analyzer = new Analyzer(RULES_BY_LANGUAGE[rs.id]);
      const plain = analyzer.analyzeSync(file, lines.join('\n') + '\n', id);
      plain.tree.delete();
      const flagged = plain.findings.filter((f) => f.ruleId === rule);
      assert.equal(flagged.length, 1, `${rule} flags the sample in ${id}`);
      assert.equal(flagged[0].suppression, undefined);
      const comment = suppressionCommentText(commentSyntaxOfFile(file), rule, 'reviewed');
      const withComment = [lines[0], comment, ...lines.slice(1)].join('\n') + '\n';
      const after = analyzer.analyzeSync(file, withComment, id);
      after.tree.delete();
      const again = after.findings.filter((f) => f.ruleId === rule);
      assert.equal(again.length, 1);
      assert.deepEqual(again[0].suppression, { kind: 'sitewarden-ignore', justification: 'reviewed' });
    });
  }
});

describe('language registry: unknown ids throw', () => {
  const ruby = 'ruby' as unknown as LanguageId;
  it('languageEntry, ruleSet and perRuleSet name the id', () => {
    assert.throws(() => languageEntry(ruby), (e: unknown) => e instanceof UnknownLanguageError && /"ruby"/.test(e.message));
    assert.throws(() => ruleSet('ruby' as CodeRuleLanguage), /"ruby"/);
    assert.throws(() => ruleSet('text' as RuleLanguage as CodeRuleLanguage), /"text"/, 'text rules have no rule set');
    assert.throws(() => perRuleSet('ruby' as CodeRuleLanguage, { python: 1, javascript: 2 }), /"ruby"/);
    assert.equal(perRuleSet('javascript', { python: 1, javascript: 2 }), 2);
  });

  it('inherited property names are not languages', () => {
    assert.throws(() => languageEntry('constructor' as unknown as LanguageId), UnknownLanguageError);
    assert.throws(() => perRuleSet('toString' as CodeRuleLanguage, { python: 1, javascript: 2 }), UnknownLanguageError);
  });
});
