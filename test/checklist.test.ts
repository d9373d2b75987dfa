import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { runChecklist } from '../src/checklist/run';
import type { ChecklistResult, ItemStatus } from '../src/checklist/evaluate';
import { ChecklistStateError, readState, serializeState, setManual, writeState, emptyState } from '../src/checklist/state';
import { ITEMS } from '../src/checklist/model';
import { allRules } from '../src/rules';

const FIX = path.join(__dirname, '..', '..', 'test', 'fixtures', 'checklist');
const CLI = path.join(__dirname, '..', '..', 'dist', 'cli.js');

function statusOf(r: ChecklistResult, id: string): ItemStatus {
  for (const a of r.areas) for (const i of a.items) if (i.item.id === id) return i.status;
  throw new Error(`no item ${id}`);
}

function copyDir(src: string, dst: string): void {
  fs.cpSync(src, dst, { recursive: true });
}

describe('security checklist', () => {
  it('every item has an area, words in every field and a unique id', () => {
    const ids = new Set<string>();
    for (const i of ITEMS) {
      assert.ok(!ids.has(i.id), i.id);
      ids.add(i.id);
      for (const k of ['title', 'description', 'why', 'howEvaluated'] as const) assert.ok(i[k].length > 10, `${i.id}.${k}`);
    }
  });

  it('Flask app: debug and the fingerprint stub fail their items; bcrypt, CSRFProtect and security logging pass', async () => {
    const { result } = await runChecklist([path.join(FIX, 'flask')], { rules: allRules });
    assert.equal(statusOf(result, 'error-handling'), 'fail');
    assert.equal(statusOf(result, 'fingerprint-check'), 'fail');
    assert.equal(statusOf(result, 'authentication'), 'pass');
    assert.equal(statusOf(result, 'csrf'), 'pass');
    assert.equal(statusOf(result, 'security-logging'), 'pass');
    assert.equal(statusOf(result, 'security-headers'), 'unknown');
    assert.equal(statusOf(result, 'security-policy'), 'fail');
    assert.equal(statusOf(result, 'incident-response-plan'), 'fail');
    assert.equal(statusOf(result, 'ci-audit'), 'fail');
    assert.equal(statusOf(result, 'training'), 'manual');
    assert.equal(statusOf(result, 'dependencies-current'), 'unknown');
    const fp = result.areas.flatMap((a) => a.items).find((i) => i.item.id === 'fingerprint-check')!;
    assert.equal(fp.failing[0].ruleId, 'py-fingerprint-stub');
    assert.equal(fp.failing[0].range.start.line, 31);
  });

  it('Django project: settings, ORM, policy, plan and CI give passes with evidence', async () => {
    const { result } = await runChecklist([path.join(FIX, 'django')], { rules: allRules });
    for (const id of ['security-headers', 'csrf', 'orm-queries', 'security-policy', 'incident-response-plan', 'ci-audit', 'security-logging', 'error-handling']) {
      assert.equal(statusOf(result, id), 'pass', id);
    }
    const headers = result.areas.flatMap((a) => a.items).find((i) => i.item.id === 'security-headers')!;
    assert.match(headers.evidence[0].file!, /settings\.py$/);
    assert.equal(headers.evidence[0].range!.start.line, 14);
    // HSTS is there but nothing encrypts data at rest yet.
    assert.equal(statusOf(result, 'encryption'), 'unknown');
  });

  it('Express app: helmet, verified JWT, bcrypt and a real fingerprint analysis pass', async () => {
    const { result } = await runChecklist([path.join(FIX, 'express')], { rules: allRules });
    assert.equal(statusOf(result, 'security-headers'), 'pass');
    assert.equal(statusOf(result, 'authentication'), 'pass');
    assert.equal(statusOf(result, 'fingerprint-check'), 'pass');
    assert.equal(statusOf(result, 'security-logging'), 'pass');
  });

  it('manual check-offs and not-applicable marks come from the shared state file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-checklist-'));
    copyDir(path.join(FIX, 'flask'), dir);
    let state = setManual(emptyState(), 'training', { status: 'done', by: 'Ana Lima', date: '2026-11-02', note: 'OWASP Top 10 workshop' });
    state = setManual(state, 'csrf', { status: 'not-applicable', by: 'Ana Lima', date: '2026-11-02', note: 'API only, bearer tokens' });
    writeState(dir, state);
    const { result } = await runChecklist([dir], { rules: allRules });
    assert.equal(statusOf(result, 'training'), 'pass');
    assert.equal(statusOf(result, 'csrf'), 'not-applicable');
    const area = result.areas.find((a) => a.area.id === 'secure-coding')!;
    assert.equal(area.total, area.items.length - 1, 'not-applicable items do not count towards progress');
    // Evaluated items are never written to the file: only what people decided.
    const onDisk = JSON.parse(fs.readFileSync(path.join(dir, '.sitewarden', 'checklist.json'), 'utf8'));
    assert.deepEqual(Object.keys(onDisk.items), ['csrf', 'training']);
  });

  it('the state file is merge-friendly and broken files give a clear error', () => {
    const s = setManual(setManual(emptyState(), 'zeta', { status: 'done', by: 'b', date: '2026-01-01' }), 'alpha', { status: 'done', by: 'a', date: '2026-01-02' });
    const text = serializeState(s);
    assert.ok(text.indexOf('"alpha"') < text.indexOf('"zeta"'), 'keys sorted');
    assert.ok(text.endsWith('\n'));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-state-'));
    fs.mkdirSync(path.join(dir, '.sitewarden'));
    fs.writeFileSync(path.join(dir, '.sitewarden', 'checklist.json'), '{"version":1,"items":{"x":{"status":"not-applicable","by":"a","date":"2026-01-01"}}}');
    assert.throws(() => readState(dir), (e: Error) => e instanceof ChecklistStateError && /needs a reason/.test(e.message));
    fs.writeFileSync(path.join(dir, '.sitewarden', 'checklist.json'), '{oops');
    assert.throws(() => readState(dir), /not valid JSON/);
  });

  it('CLI: sitewarden checklist prints text, json and markdown', () => {
    const root = path.join(FIX, 'django');
    const run = spawnSync(process.execPath, [CLI, 'checklist', root, '--format', 'json'], { encoding: 'utf8' });
    assert.equal(run.status, 1, 'the Django fixture has no fingerprint check, so an item fails');
    const json = JSON.parse(run.stdout);
    const item = json.areas.flatMap((a: { items: { id: string; status: string }[] }) => a.items).find((i: { id: string }) => i.id === 'ci-audit');
    assert.equal(item.status, 'pass');
    const md = spawnSync(process.execPath, [CLI, 'checklist', root, '--format', 'markdown'], { encoding: 'utf8' });
    assert.match(md.stdout, /^# Security checklist/);
    assert.match(md.stdout, /## Audits and updates/);
    const text = spawnSync(process.execPath, [CLI, 'checklist', path.join(FIX, 'flask')], { encoding: 'utf8' });
    assert.equal(text.status, 1, 'a failing item makes the exit code 1');
    assert.match(text.stdout, /\[!\] Errors do not expose internals — FAIL/);
    const bad = spawnSync(process.execPath, [CLI, 'checklist', '--format', 'pdf'], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
  });
});
