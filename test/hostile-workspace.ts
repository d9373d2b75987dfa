// The hostile workspace (test/hostile.test.ts, test/reports.test.ts): generated into a temp dir at
// test time, with the helpers that run the CLI on it and read its SARIF.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import Ajv from 'ajv-draft-04';

export const ROOT = path.join(__dirname, '..', '..');
export const CLI = path.join(ROOT, 'dist', 'cli.js');
export const POSIX = process.platform !== 'win32';
export const MB = 1024 * 1024;

/** Deterministic bytes (xorshift32), so the "random" binary is the same on every run. */
function pseudoRandomBytes(n: number, seed = 0x9e3779b9): Buffer {
  const b = Buffer.alloc(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    b[i] = x & 0xff;
  }
  return b;
}

/**
 * A hostile file and what must become of it: analysed (shown by the finding planted in it), or
 * skipped with a reason in the SARIF notifications. `outcomes` lists what is acceptable.
 */
export interface Hostile {
  rel: string;
  outcomes: ('finding' | 'skipped')[];
  /** The rule the planted vulnerability triggers when the file is analysed. */
  rule?: string;
  /** When skipped, the reason expected in the notification. */
  reason?: RegExp;
}

export interface Workspace {
  dir: string;
  hostile: Hostile[];
  /** Hostile source files to feed straight to the engine (binary ones included). */
  engineFiles: string[];
}

const FLASK_APP = `import hashlib
from flask import Flask, request

app = Flask(__name__)


@app.route("/login", methods=["POST"])
def login():
    password = request.form["password"]
    digest = hashlib.md5(password.encode()).hexdigest()
    return digest


if __name__ == "__main__":
    app.run(debug=True)
`;

const EXPRESS_APP = `const express = require('express');
const app = express();

app.get('/calc', (req, res) => {
  res.send(String(eval(req.query.x)));
});

app.listen(3000);
`;

const PICKLE = 'import pickle\nfrom flask import request\n\n\ndef load():\n    return pickle.loads(request.data)\n';

export function buildWorkspace(dir: string): Workspace {
  const hostile: Hostile[] = [];
  const w = (rel: string, data: string | Buffer): string => {
    const p = path.join(dir, ...rel.split('/'));
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, data);
    return p;
  };
  const N = 5000;

  // Well-formed files with known findings.
  w('good/app.py', FLASK_APP);
  w('good/server.js', EXPRESS_APP);

  // Deep nesting: 5,000 levels of brackets and parens, arrays, blocks and calls, each followed by
  // (or wrapping) a real vulnerability, so "analysed" is visible as a finding.
  w('hostile/deep_nest.py', `x = ${'(['.repeat(N / 2)}1${'])'.repeat(N / 2)}\n${PICKLE}`);
  hostile.push({ rel: 'hostile/deep_nest.py', outcomes: ['finding'], rule: 'py-unsafe-deserialization' });
  w('hostile/deep_arrays.js', `const x = ${'['.repeat(N)}1${']'.repeat(N)};\neval(process.argv[2]);\n`);
  hostile.push({ rel: 'hostile/deep_arrays.js', outcomes: ['finding'], rule: 'js-code-injection' });
  w('hostile/deep_blocks.js', `function f() ${'{'.repeat(N)}eval(process.argv[2]);${'}'.repeat(N)}\n`);
  hostile.push({ rel: 'hostile/deep_blocks.js', outcomes: ['finding'], rule: 'js-code-injection' });
  w('hostile/deep_calls.js', `const express = require('express');\nconst app = express();\napp.get('/', (req, res) => { eval(${'f('.repeat(N)}req.query.x${')'.repeat(N)}); });\n`);
  hostile.push({ rel: 'hostile/deep_calls.js', outcomes: ['finding'], rule: 'js-code-injection' });
  w('hostile/long_concat.py', `import os\nfrom flask import request\nx = ${Array.from({ length: 20000 }, (_, i) => `"a${i}"`).join(' + ')}\nos.system(request.args["c"])\n`);
  hostile.push({ rel: 'hostile/long_concat.py', outcomes: ['finding'], rule: 'py-command-injection' });

  // A 3 MB single line (over the 1 MiB limit: skipped, or analysed should the limit change).
  w('hostile/long_line.js', `var a = "${'A'.repeat(3 * MB)}";\neval(process.argv[2]);\n`);
  hostile.push({ rel: 'hostile/long_line.js', outcomes: ['skipped', 'finding'], rule: 'js-code-injection', reason: /too-large/ });

  // A minified bundle: ~1,000,000 bytes (just under 1 MiB) on a few lines, one eval in the middle.
  let bundle = '';
  for (let i = 0; bundle.length < 1_000_000; i++) {
    bundle += `function f${i}(a,b){return a+b*${i}}var v${i}=f${i}(${i},"s${i}");`;
    if (i === 8000) bundle += 'eval(window.name);';
    if (i % 4000 === 3999) bundle += '\n';
  }
  w('hostile/bundle.min.js', bundle);
  // *.min.js is skipped by default as minified (issue 15); --include scans it.
  hostile.push({ rel: 'hostile/bundle.min.js', outcomes: ['finding', 'skipped'], rule: 'js-code-injection', reason: /too-large|minified/ });

  // Invalid UTF-8 in a string literal of a .py file.
  w('hostile/invalid_utf8.py', Buffer.concat([Buffer.from('s = "'), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1, 0xf0, 0x90, 0x28, 0xbc, 0xc0, 0xaf]), Buffer.from(`"\n${PICKLE}`)]));
  hostile.push({ rel: 'hostile/invalid_utf8.py', outcomes: ['finding'], rule: 'py-unsafe-deserialization' });

  // BOM + CRLF.
  w('hostile/bom_crlf.py', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('import hashlib\r\nfrom flask import request\r\n\r\ndef h():\r\n    password = request.args["p"]\r\n    return hashlib.md5(password.encode()).hexdigest()\r\n')]));
  hostile.push({ rel: 'hostile/bom_crlf.py', outcomes: ['finding'], rule: 'py-weak-hash' });

  // NUL bytes inside a .js file, and a PNG named x.py.
  w('hostile/nul.js', Buffer.concat([Buffer.from('const a = "x'), Buffer.from([0, 0, 0]), Buffer.from('";\neval(process.argv[2]);\n')]));
  hostile.push({ rel: 'hostile/nul.js', outcomes: ['skipped', 'finding'], rule: 'js-code-injection', reason: /binary/ });
  w('hostile/x.py', Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]), pseudoRandomBytes(64 * 1024)]));
  hostile.push({ rel: 'hostile/x.py', outcomes: ['skipped'], reason: /binary/ });

  // Broken syntax all around a well-formed function with a real command injection.
  w('hostile/broken.py', 'def broken(:\n    return ((( [\n\nclass X\n  pass pass\n\nimport subprocess\nfrom flask import request\n\n\ndef run():\n    cmd = request.args.get("cmd")\n    return subprocess.call(cmd, shell=True)\n\n\ndef also_broken(\n    x = }\n');
  hostile.push({ rel: 'hostile/broken.py', outcomes: ['finding'], rule: 'py-command-injection' });

  // Names carrying HTML. A folder cannot contain "/", so `"><script>alert(1)</script>` is made of
  // the folder `"><script>alert(1)<` holding the folder `script>`: the path reads as the payload.
  if (POSIX) {
    w('hostile/<img src=x onerror=alert(1)>.py', PICKLE);
    hostile.push({ rel: 'hostile/<img src=x onerror=alert(1)>.py', outcomes: ['finding'], rule: 'py-unsafe-deserialization' });
    w('hostile/"><script>alert(1)</script>/evil.js', "const express = require('express');\nconst app = express();\napp.get('/', (req, res) => { eval(req.query.code); });\n");
    hostile.push({ rel: 'hostile/"><script>alert(1)</script>/evil.js', outcomes: ['finding'], rule: 'js-code-injection' });
    // Terminal escapes and a newline in file names.
    w('hostile/esc\x1b[2J\x1b[31mred.py', 'import os\nos.system(input())\n');
    hostile.push({ rel: 'hostile/esc\x1b[2J\x1b[31mred.py', outcomes: ['finding'], rule: 'py-command-injection' });
    w('hostile/new\nline.py', 'import os\nos.system(input())\n');
    hostile.push({ rel: 'hostile/new\nline.py', outcomes: ['finding'], rule: 'py-command-injection' });
    // A name that is not UTF-8 (Linux allows it; macOS refuses it): readdir decodes it lossily.
    try {
      fs.writeFileSync(Buffer.concat([Buffer.from(path.join(dir, 'hostile', 'bad-')), Buffer.from([0xff, 0xfe]), Buffer.from('.py')]), 'import os\nos.system(input())\n');
      hostile.push({ rel: 'hostile/bad-\ufffd\ufffd.py', outcomes: ['skipped', 'finding'], rule: 'py-command-injection', reason: /unreadable/ });
    } catch {
      /* file system refuses non-UTF-8 names */
    }
  }

  // A symlink loop: a folder linking to its parent, and one to itself.
  try {
    fs.mkdirSync(path.join(dir, 'hostile', 'loop'), { recursive: true });
    fs.symlinkSync('..', path.join(dir, 'hostile', 'loop', 'parent'), 'dir');
    fs.symlinkSync('.', path.join(dir, 'hostile', 'loop', 'self'), 'dir');
    hostile.push({ rel: 'hostile/loop/parent', outcomes: ['skipped'], reason: /symlink/ });
    hostile.push({ rel: 'hostile/loop/self', outcomes: ['skipped'], reason: /symlink/ });
  } catch {
    /* no symlinks without privileges on Windows */
  }

  // A FIFO named like a source file: reading it would block forever.
  if (POSIX && spawnSync('mkfifo', [path.join(dir, 'hostile', 'pipe.py')]).status === 0) {
    hostile.push({ rel: 'hostile/pipe.py', outcomes: ['skipped'], reason: /not a regular file/ });
  }

  // Manifests: malformed JSON, a requirements file including itself, TOML that is not TOML.
  w('manifests/package.json', '{"name": "hostile", "dependencies": {"express": "4.0.0",, "lodash": \n');
  w('manifests/requirements.txt', '-r requirements.txt\nflask==0.12\n');
  w('manifests/pyproject.toml', '[project\nname = "x\ndependencies = ["flask>=0.1"\n');

  const engineFiles = ['deep_nest.py', 'deep_arrays.js', 'deep_blocks.js', 'deep_calls.js', 'long_concat.py', 'long_line.js', 'bundle.min.js', 'invalid_utf8.py', 'bom_crlf.py', 'nul.js', 'x.py', 'broken.py'].map((f) => path.join(dir, 'hostile', f));
  return { dir, hostile, engineFiles };
}

export interface SarifLog {
  runs: {
    invocations: { executionSuccessful: boolean; toolExecutionNotifications: { level: string; message: { text: string }; locations?: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
    results: { ruleId: string; message: { text: string }; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number; snippet?: { text: string } } } }[] }[];
  }[];
}

export const uriOf = (x: { locations?: { physicalLocation: { artifactLocation: { uri: string } } }[] }) => {
  const u = x.locations?.[0]?.physicalLocation.artifactLocation.uri;
  return u === undefined ? undefined : decodeURIComponent(u);
};

/** Runs the CLI with a preload that records the child's peak RSS and CPU time at exit. */
export function runCli(args: string[], cwd: string, probeDir: string, timeoutMs: number, env: NodeJS.ProcessEnv = process.env) {
  const probe = path.join(probeDir, 'probe.js');
  const out = path.join(probeDir, `probe-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  fs.writeFileSync(probe, "process.on('exit', () => require('fs').writeFileSync(process.env.SW_PROBE_OUT, JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS, cpu: process.cpuUsage() })));\n");
  // `timeoutMs` is a hang safety net (the child is killed), never a verdict on speed.
  const r = spawnSync(process.execPath, ['--require', probe, CLI, ...args], { cwd, encoding: 'utf8', timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 * MB, env: { ...env, SW_PROBE_OUT: out } });
  const usage = fs.existsSync(out) ? (JSON.parse(fs.readFileSync(out, 'utf8')) as { maxRssKb: number; cpu: { user: number; system: number } }) : undefined;
  return { ...r, peakRssMb: usage ? usage.maxRssKb / 1024 : NaN, cpuMs: usage ? (usage.cpu.user + usage.cpu.system) / 1000 : NaN };
}

export function sarifValidator() {
  const schema = JSON.parse(fs.readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false, unicodeRegExp: false });
  return ajv.compile(schema);
}
