import * as assert from 'node:assert/strict';
import { DEPENDENCY_RULES } from '../src/deps/rules';
import { asDiagnostics, familyIndex, publishable } from '../src/extension/publish-policy';
import { allRules } from '../src/rules';
import type { Finding, Severity } from '../src/core/types';

/** A finding of a real rule, at the severity given (test-path demotion may lower a rule's own). */
function finding(ruleId: string, severity: Severity, suppressed = false): Finding {
  return {
    ruleId,
    title: ruleId,
    message: ruleId,
    severity,
    confidence: 'high',
    cwe: [],
    owasp: [],
    file: '/ws/app.py',
    range: { start: { line: 0, column: 0 }, end: { line: 0, column: 1 } },
    snippet: '',
    docsUrl: '',
    ...(suppressed ? { suppression: { kind: 'sitewarden-ignore' as const, justification: 'reviewed' } } : {}),
  };
}

describe('publish policy: what reaches the editor', () => {
  const familyOf = familyIndex([...allRules, ...DEPENDENCY_RULES]);
  const found = [finding('py-flask-debug', 'high'), finding('py-fingerprint-stub', 'medium'), finding('py-weak-hash', 'low'), finding('dep-outdated', 'low'), finding('py-flask-debug', 'critical', true)];
  const ids = (fs: Finding[]) => fs.map((f) => `${f.ruleId}:${f.severity}`);

  it('knows the family of code, text and dependency rules', () => {
    assert.equal(familyOf('py-flask-debug'), 'config');
    assert.equal(familyOf('py-weak-hash'), 'crypto');
    assert.equal(familyOf('dep-vulnerable'), 'misc');
    assert.equal(familyOf('no-such-rule'), undefined);
  });

  it('keeps everything at the defaults', () => {
    assert.deepEqual(ids(publishable(found, { minimumSeverity: 'low', disabledFamilies: [] }, familyOf)), ids(found));
  });

  it('drops findings below the minimum severity', () => {
    assert.deepEqual(ids(publishable(found, { minimumSeverity: 'medium', disabledFamilies: [] }, familyOf)), ['py-flask-debug:high', 'py-fingerprint-stub:medium', 'py-flask-debug:critical']);
    assert.deepEqual(ids(publishable(found, { minimumSeverity: 'critical', disabledFamilies: [] }, familyOf)), ['py-flask-debug:critical']);
  });

  it('drops findings of a disabled family, dependency rules included', () => {
    assert.deepEqual(ids(publishable(found, { minimumSeverity: 'low', disabledFamilies: ['config', 'misc'] }, familyOf)), ['py-fingerprint-stub:medium', 'py-weak-hash:low']);
  });

  it('keeps suppressed findings for reports; diagnostics leave them out', () => {
    const kept = publishable(found, { minimumSeverity: 'high', disabledFamilies: [] }, familyOf);
    assert.equal(kept.filter((f) => f.suppression).length, 1);
    assert.deepEqual(ids(asDiagnostics(kept)), ['py-flask-debug:high']);
  });
});
