/**
 * The data-flow path of a taint finding (issue 14 part 4, issue 17): `Finding.flow` from the
 * rule's taint, SARIF codeFlows (schema-valid), the CLI's "via" line, the JSON report and the
 * editor's related information, including hops in another file.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import Ajv from 'ajv-draft-04';
import { Analyzer } from '../src/core/engine';
import { buildFinding } from '../src/core/finding';
import { ensureLanguages } from '../src/core/parser';
import { toSarif } from '../src/core/report/sarif';
import { formatText, toJsonFindings } from '../src/core/report/text';
import type { ScanResult } from '../src/core/scanner';
import type { Finding, LanguageId, Range } from '../src/core/types';
import { allRules } from '../src/rules';
import { installFakeVscode } from './fake-vscode';

installFakeVscode();
// Loaded after the fake is in place: convert.ts requires `vscode` at load time.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { toDiagnostic } = require('../src/extension/convert') as typeof import('../src/extension/convert');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const vscode = require('vscode') as typeof import('vscode');

const ROOT = path.join(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');

before(() => ensureLanguages(['python', 'javascript']));

const analyzer = new Analyzer(allRules);

function analyse(file: string, code: string, lang: LanguageId): Finding[] {
  return analyzer.analyzeSync(file, code, lang).findings;
}

function only(fs: Finding[], ruleId: string, line: number): Finding {
  const hits = fs.filter((f) => f.ruleId === ruleId && f.range.start.line + 1 === line);
  assert.equal(hits.length, 1, `one ${ruleId} finding on line ${line}: ${JSON.stringify(fs.map((f) => [f.ruleId, f.range.start.line + 1]))}`);
  return hits[0];
}

function sarifValidator() {
  const schema = JSON.parse(fs.readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
  return new Ajv({ allErrors: true, strict: false, validateFormats: false, unicodeRegExp: false }).compile(schema);
}

interface ThreadFlowLocation {
  location: { physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: { startLine: number; startColumn: number } }; message: { text: string } };
  nestingLevel: number;
  executionOrder: number;
  kinds: string[];
  importance: string;
}
interface SarifResult {
  ruleId: string;
  locations: { physicalLocation: { region: { startLine: number } } }[];
  codeFlows?: { message: { text: string }; threadFlows: { locations: ThreadFlowLocation[] }[] }[];
  relatedLocations?: { message: { text: string }; physicalLocation: { region: { startLine: number } } }[];
}

function sarifOf(findings: Finding[], baseDir = process.cwd()): { log: unknown; results: SarifResult[] } {
  const log = JSON.parse(JSON.stringify(toSarif({ rules: allRules, findings, baseDir, toolVersion: '0.0.0' })));
  return { log, results: (log as { runs: { results: SarifResult[] }[] }).runs[0].results };
}

/** The thread flow of a result as "line: message" lines, after checking the 2.1.0 ordering fields. */
function walk(r: SarifResult): string[] {
  assert.ok(r.codeFlows, `${r.ruleId} has codeFlows`);
  assert.equal(r.codeFlows.length, 1);
  assert.equal(r.codeFlows[0].threadFlows.length, 1);
  const locs = r.codeFlows[0].threadFlows[0].locations;
  assert.deepEqual(
    locs.map((l) => l.executionOrder),
    locs.map((_l, i) => i + 1),
    'executionOrder counts from 1 in the order the data travels',
  );
  for (const l of locs) {
    assert.equal(l.nestingLevel, 0);
    assert.deepEqual(l.kinds, ['taint']);
    assert.equal(l.location.physicalLocation.artifactLocation.uriBaseId, '%SRCROOT%');
  }
  assert.deepEqual(
    locs.map((l) => l.importance),
    locs.map((_l, i) => (i === 0 || i === locs.length - 1 ? 'essential' : 'important')),
  );
  // The sink is the result's own location.
  assert.equal(locs[locs.length - 1].location.physicalLocation.region.startLine, r.locations[0].physicalLocation.region.startLine);
  return locs.map((l) => `${l.location.physicalLocation.region.startLine}: ${l.location.message.text}`);
}

const PY = [
  'import subprocess',
  'from flask import Flask, request',
  'app = Flask(__name__)',
  '',
  '@app.route("/run")',
  'def run():',
  '    u = request.args["cmd"]',
  '    cmd = "ls " + u',
  '    subprocess.run(cmd, shell=True)',
  '    subprocess.run(request.args["x"], shell=True)',
  '    return "ok"',
  '',
].join('\n');

const JS = [
  "const express = require('express');",
  "const { exec } = require('child_process');",
  'const app = express();',
  "app.get('/x', (req, res) => {",
  '  const name = req.query.name;',
  "  let cmd = 'echo ' + name;",
  '  exec(cmd);',
  '  for (const item of req.body.items) {',
  '    exec(item);',
  '  }',
  '});',
  '',
].join('\n');

describe('data-flow paths: Finding.flow and SARIF codeFlows', () => {
  it('a multi-hop Python flow: source, each binding, the sink, in order, as a schema-valid codeFlow', () => {
    const findings = analyse('app.py', PY, 'python');
    const f = only(findings, 'py-command-injection', 9);
    assert.deepEqual(
      f.flow?.map((l) => [l.kind, l.label, l.message, l.range.start.line + 1]),
      [
        ['source', 'request.args', 'request.args enters here', 7],
        ['step', 'u', 'assigned to `u`', 7],
        ['step', 'cmd', 'assigned to `cmd`', 8],
        ['sink', 'subprocess.run', 'reaches subprocess.run', 9],
      ],
    );
    const { log, results } = sarifOf(findings);
    const validate = sarifValidator();
    assert.ok(validate(log), JSON.stringify(validate.errors, null, 1));
    const r = results.find((x) => x.ruleId === 'py-command-injection' && x.locations[0].physicalLocation.region.startLine === 9)!;
    // The schema does look into thread flow locations: a field 2.1.0 does not define is refused.
    const broken = JSON.parse(JSON.stringify(log));
    broken.runs[0].results[results.indexOf(r)].codeFlows[0].threadFlows[0].locations[0].step = 1;
    assert.equal(validate(broken), false);
    assert.deepEqual(walk(r), ['7: request.args enters here', '7: assigned to `u`', '8: assigned to `cmd`', '9: reaches subprocess.run']);
    assert.equal(r.codeFlows![0].message.text, 'request.args passes through 2 step(s) and reaches subprocess.run');
    assert.equal(r.codeFlows![0].threadFlows[0].locations[0].location.physicalLocation.artifactLocation.uri, 'app.py');
    // relatedLocations are kept beside the code flow.
    assert.deepEqual(r.relatedLocations?.map((x) => [x.physicalLocation.region.startLine, x.message.text]), [[7, 'untrusted input enters here: request.args']]);
  });

  it('a multi-hop JavaScript flow, through assignments and a loop variable, as schema-valid codeFlows', () => {
    const findings = analyse('server.js', JS, 'javascript');
    const { log, results } = sarifOf(findings);
    const validate = sarifValidator();
    assert.ok(validate(log), JSON.stringify(validate.errors, null, 1));
    const at = (line: number) => results.find((x) => x.ruleId === 'js-command-injection' && x.locations[0].physicalLocation.region.startLine === line)!;
    assert.deepEqual(walk(at(7)), ['5: req.query enters here', '5: assigned to `name`', '6: assigned to `cmd`', '7: reaches child_process.exec']);
    assert.deepEqual(walk(at(9)), ['8: req.body enters here', '8: iterated as `item`', '9: reaches child_process.exec']);
  });

  it('names what the data reaches: the call around a value-building argument, a flagged call, an assignment target, a return', () => {
    const py = [
      'import sqlite3',
      'from flask import Flask, request, redirect',
      'app = Flask(__name__)',
      '',
      '@app.route("/a")',
      'def a():',
      '    uid = request.args["id"]',
      '    cur = sqlite3.connect("x.db").cursor()',
      '    cur.execute("SELECT * FROM t WHERE id = {}".format(uid))',
      '    return redirect("/g/{}".format(uid))',
      '',
      '@app.route("/b")',
      'def b():',
      '    name = request.args["n"]',
      '    return f"<p>{name}</p>"',
      '',
      '@app.route("/c")',
      'def c():',
      '    code = request.args["c"]',
      '    print(eval(code))',
      '',
    ].join('\n');
    const sinkOf = (f: Finding) => f.flow?.[f.flow.length - 1].message;
    const found = analyse('app.py', py, 'python');
    assert.equal(sinkOf(only(found, 'py-sql-injection', 9)), 'reaches sqlite3.connect().cursor().execute');
    assert.equal(sinkOf(only(found, 'py-open-redirect', 10)), 'reaches flask.redirect');
    assert.equal(sinkOf(only(found, 'py-reflected-xss', 15)), 'is returned here');
    assert.equal(sinkOf(only(found, 'py-code-injection', 20)), 'reaches eval');
    const js = "app.get('/d', (req, res) => {\n  const h = req.query.h;\n  document.getElementById('x').innerHTML = h;\n});\n";
    assert.equal(sinkOf(only(analyse('page.js', js, 'javascript'), 'js-dom-xss', 3)), "reaches document.getElementById('x').innerHTML");
  });

  it('a source written in the sink call itself has a flow of two locations and no codeFlows', () => {
    // Nothing lies between them: the related location "untrusted input enters here" says it all,
    // and a code flow that restates the result's own line would only be noise in a viewer.
    const findings = analyse('app.py', PY, 'python');
    const f = only(findings, 'py-command-injection', 10);
    assert.deepEqual(f.flow?.map((l) => l.kind), ['source', 'sink']);
    const r = sarifOf(findings).results.find((x) => x.ruleId === 'py-command-injection' && x.locations[0].physicalLocation.region.startLine === 10)!;
    assert.equal(r.codeFlows, undefined);
    assert.deepEqual(r.relatedLocations?.map((x) => x.message.text), ['untrusted input enters here: request.args']);
    assert.deepEqual(viaOf(formatText(scanOf([f]), [f], process.cwd(), false)), []);
  });

  it('a rule that passes only `source` (not the taint) still gets its related location and high confidence, and no flow', () => {
    const findings = analyse('app.py', PY, 'python');
    const rule = {
      ...allRules.find((r) => r.meta.id === 'py-command-injection')!,
      meta: { ...allRules.find((r) => r.meta.id === 'py-command-injection')!.meta, id: 'test-source-only', confidence: 'low' as const },
      create: (ctx: import('../src/core/rule').RuleContext) => ({
        call: (n: import('web-tree-sitter').Node) => {
          const a = ctx.sem.arg(n, 0);
          const t = a && ctx.sem.taint(a);
          if (t && ctx.sem.methodName(n) === 'run') ctx.report({ node: a, source: t.source });
        },
      }),
    };
    const mine = new Analyzer([rule]).analyzeSync('app.py', PY, 'python').findings;
    assert.equal(mine.length, 2);
    for (const f of mine) {
      assert.equal(f.flow, undefined);
      assert.equal(f.confidence, 'high');
    }
    assert.deepEqual(mine[0].related, only(findings, 'py-command-injection', 9).related);
  });
});

/** A scan result holding only these findings, for formatText. */
function scanOf(findings: Finding[]): ScanResult {
  return { findings, filesScanned: 1, linesScanned: 1, bytesScanned: 1, skipped: [], errors: [], notices: [], ruleFailures: [], cancelled: false, durationMs: 0, filesFromCache: 0 };
}

function viaOf(text: string): string[] {
  return text.split('\n').filter((l) => l.trimStart().startsWith('via '));
}

const R = (line: number, column: number, endColumn: number): Range => ({ start: { line, column }, end: { line, column: endColumn } });
const META = allRules.find((r) => r.meta.id === 'py-sql-injection')!.meta;

describe('data-flow paths: text, JSON and editor output', () => {
  it('the text report has one "via" line under a finding with hops, names in order with file:line', () => {
    const findings = analyse('app.py', PY, 'python');
    const f = only(findings, 'py-command-injection', 9);
    const text = formatText(scanOf([f]), [f], process.cwd(), false);
    assert.deepEqual(viaOf(text), ['    via request.args (app.py:7) → u (app.py:7) → cmd (app.py:8)']);
    // Under the message, above the code.
    const lines = text.split('\n');
    assert.equal(lines.indexOf('    via request.args (app.py:7) → u (app.py:7) → cmd (app.py:8)'), lines.indexOf(`    ${f.message}`) + 1);
  });

  it('the "via" line escapes hostile names: terminal escapes and bidi overrides in a label or a file path', () => {
    const f = buildFinding({
      meta: META,
      file: 'app.py',
      range: R(5, 4, 20),
      lineText: 'cursor.execute(q)',
      flow: {
        source: { range: R(2, 8, 20), text: 'request.args["\x1b[2J"]' },
        steps: [{ range: R(3, 4, 5), text: 'q\u202e', how: 'assign' }],
        sink: { range: R(5, 4, 20), name: 'cursor.execute' },
      },
    });
    const via = viaOf(formatText(scanOf([f]), [f], process.cwd(), false));
    assert.deepEqual(via, ['    via request.args["\\x1b[2J"] (app.py:3) → q\\u202e (app.py:4)']);
  });

  it('the CLI prints the "via" line with a hostile file name escaped, and its JSON carries the flow', function () {
    if (process.platform === 'win32') this.skip();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-flow-'));
    try {
      const name = 'esc\x1b[31mred.py';
      fs.writeFileSync(path.join(dir, name), PY);
      const text = spawnSync(process.execPath, [CLI, 'scan', '.', '--offline'], { cwd: dir, encoding: 'utf8' });
      assert.equal(text.status, 1, text.stderr);
      assert.doesNotMatch(text.stdout, /\x1b/, 'no raw ESC reaches the terminal');
      assert.deepEqual(viaOf(text.stdout), ['    via request.args (esc\\x1b[31mred.py:7) → u (esc\\x1b[31mred.py:7) → cmd (esc\\x1b[31mred.py:8)']);
      const json = spawnSync(process.execPath, [CLI, 'scan', '.', '--offline', '--format', 'json'], { cwd: dir, encoding: 'utf8' });
      const found = (JSON.parse(json.stdout) as Finding[]).find((x) => x.ruleId === 'py-command-injection' && x.range.start.line === 8)!;
      assert.deepEqual(found.flow?.map((l) => l.message), ['request.args enters here', 'assigned to `u`', 'assigned to `cmd`', 'reaches subprocess.run']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the editor lists the path as related information, one entry per hop in order, then the other related locations', () => {
    const uri = vscode.Uri.file(path.join(os.tmpdir(), 'app.py'));
    const findings = analyse(uri.fsPath, PY, 'python');
    const d = toDiagnostic(only(findings, 'py-command-injection', 9), uri);
    const entries = (d.relatedInformation ?? []).map((r) => `${r.location.uri.toString() === uri.toString() ? 'same' : r.location.uri.fsPath}:${r.location.range.start.line + 1}:${r.location.range.start.character}: ${r.message}`);
    // The source is not listed twice (it is also the related "untrusted input enters here").
    assert.deepEqual(entries, ['same:7:8: request.args enters here', 'same:7:4: assigned to `u`', 'same:8:4: assigned to `cmd`', 'same:9:19: reaches subprocess.run']);
    // A flow without hops leaves the related locations as they were.
    const single = toDiagnostic(only(findings, 'py-command-injection', 10), uri);
    assert.deepEqual((single.relatedInformation ?? []).map((r) => r.message), ['untrusted input enters here: request.args']);
    // A rule's own related location stays after the path.
    const withOwn = buildFinding({
      meta: META,
      file: uri.fsPath,
      range: R(8, 4, 20),
      lineText: 'cursor.execute(q)',
      related: [{ message: 'the connection is opened here', range: R(1, 0, 4) }],
      flow: { source: { range: R(6, 8, 20), text: 'request.args' }, steps: [{ range: R(7, 4, 5), text: 'q' }], sink: { range: R(8, 4, 20), name: 'cursor.execute' } },
    });
    assert.deepEqual(
      (toDiagnostic(withOwn, uri).relatedInformation ?? []).map((r) => r.message),
      ['request.args enters here', 'assigned to `q`', 'reaches cursor.execute', 'the connection is opened here'],
    );
  });
});

describe('data-flow paths with a hop in another file', () => {
  // What the cross-file analysis hands buildFinding: `file` on each hop that is not in the
  // finding's file, the same kind of path as Finding.file (here absolute, as the scanner gives).
  const base = path.join(os.tmpdir(), 'sw-flow-xfile');
  const view = path.join(base, 'views.py');
  const helper = path.join(base, 'db', 'queries.py');
  const f = buildFinding({
    meta: META,
    file: helper,
    range: R(4, 19, 20),
    lineText: '    cursor.execute(q)',
    flow: {
      source: { range: R(6, 11, 23), text: 'request.args', file: view },
      steps: [
        { range: R(6, 4, 8), text: 'name', file: view, how: 'assign' },
        { range: R(2, 14, 18), text: 'name', how: 'param' },
        { range: R(3, 4, 5), text: 'q', how: 'assign' },
      ],
      sink: { range: R(4, 19, 20), name: 'cursor.execute' },
    },
  });

  it('SARIF names each location with its own file, relative to the base, and validates', () => {
    const { log, results } = sarifOf([f], base);
    const validate = sarifValidator();
    assert.ok(validate(log), JSON.stringify(validate.errors, null, 1));
    const locs = results[0].codeFlows![0].threadFlows[0].locations;
    assert.deepEqual(
      locs.map((l) => `${l.location.physicalLocation.artifactLocation.uri}:${l.location.physicalLocation.region.startLine}: ${l.location.message.text}`),
      ['views.py:7: request.args enters here', 'views.py:7: assigned to `name`', 'db/queries.py:3: passed as parameter `name`', 'db/queries.py:4: assigned to `q`', 'db/queries.py:5: reaches cursor.execute'],
    );
  });

  it('a source in another file alone is a hop: the path is shown even without a step', () => {
    const g = buildFinding({ meta: META, file: helper, range: R(4, 19, 20), lineText: 'x', flow: { source: { range: R(6, 11, 23), text: 'request.args', file: view }, steps: [], sink: { range: R(4, 19, 20) } } });
    const [r] = sarifOf([g], base).results;
    assert.deepEqual(walk(r), ['7: request.args enters here', '5: reaches the flagged code']);
    assert.equal(r.codeFlows![0].message.text, 'request.args reaches the flagged code');
  });

  it('the engine takes hops from another file in a taint (ForeignHop) beside nodes of this one', () => {
    // What the cross-file analysis will put in TaintInfo: the view's hops as positions with their
    // file, then this file's parameter and binding as nodes.
    const code = 'def find(cursor, name):\n    q = "SELECT * FROM t WHERE n = \'" + name + "\'"\n    cursor.execute(q)\n';
    const rule = {
      ...allRules.find((r) => r.meta.id === 'py-sql-injection')!,
      create: (ctx: import('../src/core/rule').RuleContext) => ({
        call: (n: import('web-tree-sitter').Node) => {
          if (ctx.sem.methodName(n) !== 'execute') return;
          const q = ctx.sem.arg(n, 0)!;
          const qBinding = ctx.sem.resolve(q)!;
          const param = ctx.sem.resolve(qBinding.value!.descendantsOfType('identifier').find((c) => c?.text === 'name')!)!;
          const taint = {
            source: { file: view, range: R(6, 11, 23), text: 'request.args' },
            steps: [{ file: view, range: R(6, 4, 8), text: 'name', how: 'assign' }, { file: helper, range: R(8, 0, 4), text: 'find', how: 'other' }, param.at, qBinding.at],
          };
          ctx.report({ node: q, taint: taint as unknown as import('../src/core/semantics').TaintInfo });
        },
      }),
    };
    const [g] = new Analyzer([rule]).analyzeSync(helper, code, 'python').findings;
    assert.deepEqual(
      g.flow?.map((l) => [l.file === undefined ? 'here' : path.relative(base, l.file), l.range.start.line + 1, l.message]),
      [
        ['views.py', 7, 'request.args enters here'],
        ['views.py', 7, 'assigned to `name`'],
        ['here', 9, 'flows through `find`'], // a hop naming this very file is local
        ['here', 1, 'passed as parameter `name`'],
        ['here', 2, 'assigned to `q`'],
        ['here', 3, 'reaches cursor.execute'],
      ],
    );
    assert.equal(g.confidence, 'high');
  });

  it('the "via" line, the JSON report and the editor name the other file', () => {
    assert.deepEqual(viaOf(formatText(scanOf([f]), [f], base, false)), [`    via request.args (views.py:7) → name (views.py:7) → name (${path.join('db', 'queries.py')}:3) → q (${path.join('db', 'queries.py')}:4)`]);
    const [json] = toJsonFindings([f], base) as Finding[];
    assert.deepEqual(json.flow?.map((l) => l.file), ['views.py', 'views.py', undefined, undefined, undefined]);
    assert.equal(json.file, path.join('db', 'queries.py'));
    const uri = vscode.Uri.file(helper);
    const where = (toDiagnostic(f, uri).relatedInformation ?? []).map((r) => r.location.uri.fsPath);
    assert.deepEqual(where, [view, view, helper, helper, helper]);
  });
});
