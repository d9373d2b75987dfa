import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readState, writeState, setManual, emptyState, ChecklistStateError, STATE_FILE } from '../src/checklist/state';
import { UnsafeWriteError, writeAllInsideRoot, writeInsideRoot } from '../src/core/safe-fs';
import { readPackageJson } from '../src/deps/npm-manifests';
import { planEncryptionHelper } from '../src/fixes/encryption';
import { planSecurityHeaders } from '../src/fixes/headers';
import { planIncidentResponse } from '../src/fixes/incident-response';
import { applyPlan } from '../src/fixes/plan';

/*
 * Issue 12, attacks 6, 7 and 14: a repository that plants links, FIFOs or devices where the
 * generators and the checklist read and write, or that makes a later write of a generator fail.
 * Every layout is real (temp folders); hangs are judged by the reason the CLI gives, the spawn
 * timeout is only a safety net so that the old code's hang fails the test instead of stalling it.
 */

const ROOT = path.join(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
/** Only so that a hang (the old behaviour) ends the child; no assertion depends on time. */
const SAFETY_NET_MS = 90_000;

const FLASK_APP = 'from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route("/")\ndef index():\n    return "hi"\n';

/** A temp folder holding the workspace `ws` and places outside it. */
function sandbox(): { base: string; ws: string } {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-fs-'));
  const ws = path.join(base, 'ws');
  fs.mkdirSync(ws);
  return { base, ws };
}

function flaskWorkspace(): { base: string; ws: string } {
  const s = sandbox();
  fs.writeFileSync(path.join(s.ws, 'app.py'), FLASK_APP);
  return s;
}

function mkfifo(p: string): void {
  execFileSync('mkfifo', [p]);
}

function cli(args: string[], opts: { uid?: number; gid?: number } = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: SAFETY_NET_MS, killSignal: 'SIGKILL', ...opts });
  if (r.signal) assert.fail(`the CLI did not finish (killed by ${r.signal} after the safety net): it blocked or read without end. stderr: ${r.stderr}`);
  return r;
}

function tempLeftovers(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true }).map(String).filter((f) => /\.sitewarden-[0-9a-f]+\.tmp$/.test(f));
}

async function attempt(f: () => unknown): Promise<Error | undefined> {
  try {
    await f();
    return undefined;
  } catch (e) {
    return e as Error;
  }
}

describe('file-system safety: generators never write through links (issue 12, attack 6)', () => {
  it('requirements.txt -> ../outside: the headers generator refuses and the outside file is unchanged', async () => {
    const { base, ws } = flaskWorkspace();
    const outside = path.join(base, 'outside.txt');
    fs.writeFileSync(outside, 'flask\n');
    fs.symlinkSync('../outside.txt', path.join(ws, 'requirements.txt'));
    const err = await attempt(async () => applyPlan(await planSecurityHeaders(ws, { framework: 'flask' })));
    assert.equal(fs.readFileSync(outside, 'utf8'), 'flask\n', 'the file outside the workspace was written through the link');
    assert.match(err?.message ?? '', /requirements\.txt is a symbolic link/);
    assert.match(err!.message, /Nothing was written/);
    assert.equal(fs.readFileSync(path.join(ws, 'app.py'), 'utf8'), FLASK_APP, 'app.py was changed although the plan was refused');
  });

  it('a dangling link (SECURITY.md -> ../new.md) does not create a file outside the workspace', async () => {
    const { base, ws } = sandbox();
    fs.symlinkSync('../new.md', path.join(ws, 'SECURITY.md'));
    const err = await attempt(() => applyPlan(planIncidentResponse(ws)));
    assert.equal(fs.existsSync(path.join(base, 'new.md')), false, 'a file was created outside the workspace through a dangling link');
    assert.match(err?.message ?? '', /SECURITY\.md is a symbolic link/);
    assert.equal(fs.existsSync(path.join(ws, 'docs', 'incident-response.md')), false, 'part of the plan was written');
  });

  it('a linked folder (security -> ../elsewhere) does not receive encryption.js', async () => {
    const { base, ws } = sandbox();
    fs.mkdirSync(path.join(base, 'elsewhere'));
    fs.symlinkSync('../elsewhere', path.join(ws, 'security'));
    fs.writeFileSync(path.join(ws, 'package.json'), '{"name":"x","dependencies":{"express":"^4.0.0"}}\n');
    const err = await attempt(() => applyPlan(planEncryptionHelper(ws, { language: 'node' })));
    assert.deepEqual(fs.readdirSync(path.join(base, 'elsewhere')), [], 'files were written into the linked folder');
    assert.match(err?.message ?? '', /security \(on the way to security\/encryption\.js\) is a symbolic link/);
  });

  it('a folder swapped for a link between preview and apply is refused at write time, and nothing is written', async () => {
    const { base, ws } = flaskWorkspace();
    fs.writeFileSync(path.join(ws, 'requirements.txt'), 'flask\n');
    const plan = planEncryptionHelper(ws, { language: 'python' });
    assert.ok(plan.changes.some((c) => c.path.includes('security_helpers')));
    fs.mkdirSync(path.join(base, 'elsewhere'));
    fs.symlinkSync('../elsewhere', path.join(ws, 'security_helpers'));
    const err = await attempt(() => applyPlan(plan));
    assert.deepEqual(fs.readdirSync(path.join(base, 'elsewhere')), [], 'the generator wrote into the swapped-in folder');
    assert.match(err?.message ?? '', /security_helpers \(on the way to security_helpers\/__init__\.py\) is a symbolic link/);
    assert.equal(fs.readFileSync(path.join(ws, 'requirements.txt'), 'utf8'), 'flask\n', 'requirements.txt was changed by a refused plan');
    assert.equal(fs.existsSync(path.join(ws, 'tests')), false, 'a folder of the refused plan was left behind');
  });
});

describe('file-system safety: refusals printed by the CLI', () => {
  it('a refused file whose path holds terminal escapes is named escaped on stderr (as uid 65534)', function () {
    if (process.getuid?.() !== 0) this.skip();
    const { base, ws } = sandbox();
    const dir = path.join(ws, 'app\x1b]0;owned\x07\x1b[2J');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'app.py'), FLASK_APP);
    for (const d of [base, ws, dir]) fs.chmodSync(d, 0o777);
    fs.chmodSync(path.join(dir, 'app.py'), 0o444);
    const r = cli(['generate', 'headers', ws, '--framework', 'flask'], { uid: 65534, gid: 65534 });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /cannot write app\\x1b\]0;owned\\x07\\x1b\[2J\/app\.py: permission denied/);
    assert.equal(/[\x07\x1b]/.test(r.stderr), false, `raw control characters on stderr: ${JSON.stringify(r.stderr)}`);
  });
});

describe('file-system safety: reports written inside a checkout', () => {
  it('scan --output onto a committed link (report.sarif -> ../outside) is refused; the outside file is unchanged', function () {
    const { base, ws } = flaskWorkspace();
    const outside = path.join(base, 'outside.txt');
    fs.writeFileSync(outside, 'precious\n');
    fs.symlinkSync('../outside.txt', path.join(ws, 'report.sarif'));
    const r = cli(['scan', ws, '--offline', '--format', 'sarif', '--output', path.join(ws, 'report.sarif')]);
    assert.equal(fs.readFileSync(outside, 'utf8'), 'precious\n', 'the report was written through the link');
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /--output: report\.sarif is a symbolic link/);
    const ok = cli(['scan', ws, '--offline', '--format', 'sarif', '--output', path.join(ws, 'out', 'r.sarif')]);
    assert.notEqual(ok.status, 2, ok.stderr);
    assert.equal(JSON.parse(fs.readFileSync(path.join(ws, 'out', 'r.sarif'), 'utf8')).version, '2.1.0');
  });
});

describe('file-system safety: checklist state writes (issue 12, attack 6)', () => {
  it('a link planted at the predictable temp name is not written through', () => {
    const { base, ws } = sandbox();
    const outside = path.join(base, 'outside.txt');
    fs.writeFileSync(outside, 'precious\n');
    fs.mkdirSync(path.join(ws, '.sitewarden'));
    // The old writer used `${file}.${pid}.tmp`: plant a link there for this process.
    fs.symlinkSync(outside, path.join(ws, `${STATE_FILE}.${process.pid}.tmp`));
    writeState(ws, setManual(emptyState(), 'x', { status: 'done', by: 'me', date: '2026-01-01' }));
    assert.equal(fs.readFileSync(outside, 'utf8'), 'precious\n', 'the state was written through a planted link');
    assert.ok(fs.lstatSync(path.join(ws, STATE_FILE)).isFile(), 'the state file is not a regular file');
    assert.equal(readState(ws).items.x?.by, 'me');
  });

  it('a linked .sitewarden folder is refused with a clear message', () => {
    const { base, ws } = sandbox();
    fs.mkdirSync(path.join(base, 'elsewhere'));
    fs.symlinkSync('../elsewhere', path.join(ws, '.sitewarden'));
    assert.throws(
      () => writeState(ws, emptyState()),
      (e: Error) => e instanceof UnsafeWriteError && e.reason === 'symlink' && /\.sitewarden \(on the way to \.sitewarden\/checklist\.json\) is a symbolic link/.test(e.message),
    );
    assert.deepEqual(fs.readdirSync(path.join(base, 'elsewhere')), []);
  });
});

describe('file-system safety: no hangs on FIFOs and devices (issue 12, attack 7)', () => {
  it('generate headers: a FIFO at requirements.txt is refused as not a regular file', function () {
    const { ws } = flaskWorkspace();
    mkfifo(path.join(ws, 'requirements.txt'));
    const r = cli(['generate', 'headers', ws, '--dry-run']);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /requirements\.txt cannot be used: not a regular file/);
  });

  it('generate headers: package.json -> /dev/zero is refused as a link (not read without end)', function () {
    const { ws } = sandbox();
    fs.writeFileSync(path.join(ws, 'server.js'), "const express = require('express');\nconst app = express();\napp.listen(3000);\n");
    fs.symlinkSync('/dev/zero', path.join(ws, 'package.json'));
    const r = cli(['generate', 'headers', ws, '--framework', 'express']);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /package\.json is a symbolic link/);
    assert.equal(fs.readFileSync(path.join(ws, 'server.js'), 'utf8').includes('helmet'), false, 'server.js was changed by a refused plan');
  });

  it('checklist: a FIFO at .sitewarden/checklist.json is refused as not a regular file', function () {
    const { ws } = flaskWorkspace();
    fs.mkdirSync(path.join(ws, '.sitewarden'));
    mkfifo(path.join(ws, '.sitewarden', 'checklist.json'));
    const r = cli(['checklist', ws, '--offline']);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /\.sitewarden\/checklist\.json cannot be read: not a regular file/);
  });

  it('readState: .sitewarden/checklist.json -> /dev/zero is refused as a link (not read without end)', () => {
    const { ws } = sandbox();
    fs.mkdirSync(path.join(ws, '.sitewarden'));
    fs.symlinkSync('/dev/zero', path.join(ws, STATE_FILE));
    assert.throws(() => readState(ws), (e: Error) => e instanceof ChecklistStateError && /is a symbolic link/.test(e.message));
  });

  it('readState: a state file over the 1 MiB cap is refused as too large', () => {
    const { ws } = sandbox();
    fs.mkdirSync(path.join(ws, '.sitewarden'));
    const file = path.join(ws, STATE_FILE);
    fs.writeFileSync(file, JSON.stringify({ version: 1, items: { x: { status: 'done', by: 'me', date: '2026-01-01', note: 'n'.repeat(2 * 1024 * 1024) } } }));
    assert.throws(() => readState(ws), (e: Error) => e instanceof ChecklistStateError && /too large \(\d+ bytes > 1048576\)/.test(e.message));
  });

  it('manifests: a package.json linked to a file outside the scanned folder is not read', () => {
    const { base, ws } = sandbox();
    fs.writeFileSync(path.join(base, 'other.json'), '{"dependencies":{"left-pad":"1.0.0"}}\n');
    fs.symlinkSync('../other.json', path.join(ws, 'package.json'));
    const r = readPackageJson(path.join(ws, 'package.json'), fs.realpathSync(ws));
    assert.deepEqual(r.dependencies, []);
    assert.match(r.problems[0]?.message ?? '', /leads outside/);
  });
});

describe('file-system safety: multi-file writes are all or nothing (issue 12, attack 14)', () => {
  it('as uid 65534: app.py not writable -> requirements.txt is not changed either, and the reason is given', function () {
    if (process.getuid?.() !== 0) this.skip(); // dropping privileges needs root (CI runs as root)
    const { base, ws } = flaskWorkspace();
    fs.writeFileSync(path.join(ws, 'requirements.txt'), 'flask\n');
    for (const d of [base, ws]) fs.chmodSync(d, 0o777);
    fs.chmodSync(path.join(ws, 'requirements.txt'), 0o666);
    fs.chmodSync(path.join(ws, 'app.py'), 0o444); // read-only for nobody
    const r = cli(['generate', 'headers', ws], { uid: 65534, gid: 65534 });
    assert.equal(fs.readFileSync(path.join(ws, 'requirements.txt'), 'utf8'), 'flask\n', 'requirements.txt was changed although app.py could not be written');
    assert.equal(fs.readFileSync(path.join(ws, 'app.py'), 'utf8'), FLASK_APP);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /cannot write app\.py: permission denied \(EACCES\)\. Nothing was changed\./);
    assert.deepEqual(tempLeftovers(ws), []);
  });

  it('a failure after the first file was moved into place restores it (rollback)', async () => {
    const { base, ws } = flaskWorkspace();
    fs.writeFileSync(path.join(ws, 'requirements.txt'), 'flask\n');
    const outside = path.join(base, 'outside.py');
    fs.writeFileSync(outside, 'untouched\n');
    const plan = await planSecurityHeaders(ws, { framework: 'flask' });
    assert.deepEqual(plan.changes.map((c) => path.basename(c.path)), ['requirements.txt', 'app.py']);
    const err = await attempt(() =>
      applyPlan(plan, {
        hooks: {
          // Between the two renames, app.py is swapped for a link to a file outside.
          beforeCommit: (i) => {
            if (i !== 1) return;
            fs.unlinkSync(path.join(ws, 'app.py'));
            fs.symlinkSync(outside, path.join(ws, 'app.py'));
          },
        },
      }),
    );
    assert.equal(fs.readFileSync(outside, 'utf8'), 'untouched\n', 'the second write went through the swapped-in link');
    assert.equal(fs.readFileSync(path.join(ws, 'requirements.txt'), 'utf8'), 'flask\n', 'the first file was not restored');
    assert.match(err?.message ?? '', /app\.py is a symbolic link.*The 1 file\(s\) already written were restored; nothing was changed\./);
    assert.deepEqual(tempLeftovers(ws), []);
  });
});

describe('safe-fs: writeInsideRoot / writeAllInsideRoot', () => {
  it('replaces a file by rename (a hard link to it elsewhere keeps the old bytes) and keeps its mode and owner', () => {
    const { base, ws } = sandbox();
    const f = path.join(ws, 'a.txt');
    fs.writeFileSync(f, 'old');
    fs.chmodSync(f, 0o640);
    const asRoot = process.getuid?.() === 0;
    if (asRoot) fs.chownSync(f, 65534, 65534);
    fs.linkSync(f, path.join(base, 'hard-link-outside'));
    writeInsideRoot(ws, f, 'new');
    assert.equal(fs.readFileSync(f, 'utf8'), 'new');
    assert.equal(fs.readFileSync(path.join(base, 'hard-link-outside'), 'utf8'), 'old', 'the write went into the existing inode');
    assert.equal(fs.statSync(f).mode & 0o777, 0o640);
    if (asRoot) assert.deepEqual([fs.statSync(f).uid, fs.statSync(f).gid], [65534, 65534], 'root replacing the file took it over');
    assert.deepEqual(tempLeftovers(ws), []);
  });

  it('create: refuses an existing name and a dangling link; missing folders are created and removed on failure', () => {
    const { base, ws } = sandbox();
    fs.writeFileSync(path.join(ws, 'exists.txt'), 'mine');
    assert.throws(() => writeInsideRoot(ws, path.join(ws, 'exists.txt'), 'x', { create: true }), (e: Error) => e instanceof UnsafeWriteError && e.reason === 'exists');
    fs.symlinkSync('../dangling-target', path.join(ws, 'dangling'));
    assert.throws(() => writeInsideRoot(ws, path.join(ws, 'dangling'), 'x'), (e: Error) => e instanceof UnsafeWriteError && e.reason === 'symlink');
    assert.equal(fs.existsSync(path.join(base, 'dangling-target')), false);
    assert.throws(() => writeAllInsideRoot(ws, [
      { file: path.join(ws, 'new', 'deep', 'a.txt'), content: 'a' },
      { file: path.join(ws, 'exists.txt'), content: 'b', create: true },
    ]), (e: Error) => e instanceof UnsafeWriteError && /Nothing was changed/.test(e.message));
    assert.equal(fs.existsSync(path.join(ws, 'new')), false, 'a folder created for the failed write was left behind');
    assert.equal(fs.readFileSync(path.join(ws, 'exists.txt'), 'utf8'), 'mine');
    assert.throws(() => writeInsideRoot(ws, path.join(base, 'outside.txt'), 'x'), (e: Error) => e instanceof UnsafeWriteError && e.reason === 'outside-root');
  });

  it('refuses a FIFO or a device as the file to replace', () => {
    const { ws } = sandbox();
    mkfifo(path.join(ws, 'pipe'));
    assert.throws(() => writeInsideRoot(ws, path.join(ws, 'pipe'), 'x'), (e: Error) => e instanceof UnsafeWriteError && e.reason === 'not-regular');
  });
});
