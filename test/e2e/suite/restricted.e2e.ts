import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import * as vscode from 'vscode';
import type { SiteWardenApi } from '../../../src/extension/extension';
import { GENERATOR_COMMANDS } from '../../../src/extension/generator-commands';

// Restricted Mode in a real VS Code: scripts/e2e.mjs starts code-server with workspace trust on,
// opens a fresh folder nobody trusted, puts SOME_SECRET in the server's environment and answers
// SiteWarden's confirmation (a notification, in the notification list) through the page, first "Not now", then "Check
// against my registries", keeping what the notifications said. When the suite logs
// E2E-GRANT-TRUST it presses "Trust" in the Workspace Trust editor the suite has opened.

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, f: () => T | undefined | false | Promise<T | undefined | false>, ms = 30000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(150);
  }
}

interface Seen {
  registry: 'workspace' | 'user';
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A registry on 127.0.0.1 that records every request and answers with fixture data. */
function registry(name: Seen['registry'], seen: Seen[]): Promise<{ server: http.Server; origin: string }> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = (req.headers['content-encoding'] === 'gzip' ? zlib.gunzipSync(raw) : raw).toString('utf8');
      seen.push({ registry: name, method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const url = req.url ?? '';
      let answer: unknown;
      if (req.method === 'POST' && url.startsWith('/-/npm/v1/security/advisories/bulk')) {
        answer = { lodash: [{ id: 1523, url: 'https://github.com/advisories/GHSA-p6mc-m468-83gw', title: 'Prototype Pollution in lodash', severity: 'high', vulnerable_versions: '<4.17.19' }] };
      } else if (url === '/lodash') {
        answer = { name: 'lodash', 'dist-tags': { latest: '4.17.21' }, versions: { '4.17.15': {}, '4.17.21': {} } };
      } else if (url === '/pypi/flask/json') {
        answer = { info: { version: '3.0.0' }, releases: { '2.0.0': [{}], '3.0.0': [{}] } };
      } else if (url === '/pypi/flask/2.0.0/json') {
        answer = { info: { version: '2.0.0' }, vulnerabilities: [] };
      }
      res.writeHead(answer ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer ?? {}));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, origin: `http://127.0.0.1:${(server.address() as { port: number }).port}` })));
}

/** Every file under the folder with its size and modification time: what a generator would change. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        const st = fs.lstatSync(p);
        out.push(`${path.relative(dir, p)} ${st.size} ${st.mtimeMs}`);
      }
    }
  };
  walk(dir);
  return out.sort();
}

const USER_TOKEN = 'user-own-npm-token';

/**
 * Runs a command that asks a question in a notification and waits for the answer. With the
 * smoke-test driver on VS Code shows no toasts, so the notification list is opened for the
 * harness to read and click, as a person would from the bell.
 */
async function withNotificationsShown<T>(run: () => Thenable<T>): Promise<T> {
  const pending = run();
  await sleep(300);
  await vscode.commands.executeCommand('notifications.showList');
  try {
    return await pending;
  } finally {
    await vscode.commands.executeCommand('notifications.hideList');
  }
}

describe('SiteWarden in Restricted Mode (workspace trust on, folder not trusted)', () => {
  let api: SiteWardenApi;
  const seen: Seen[] = [];
  let user: { server: http.Server; origin: string };
  let workspaceRegistry: { server: http.Server; origin: string };
  const folder = () => vscode.workspace.workspaceFolders![0].uri.fsPath;
  const secret = process.env.SOME_SECRET ?? '';

  before(async () => {
    // The harness gives the server a throw-away HOME; the suite writes the user's ~/.npmrc there.
    assert.equal(process.env.SITEWARDEN_E2E_HOME, os.homedir(), 'run through scripts/e2e.mjs (it sets a throw-away HOME)');
    assert.ok(secret.length >= 16, 'SOME_SECRET is set in the server environment');
    assert.equal(vscode.workspace.isTrusted, false, 'the folder must be untrusted, or this run proves nothing');
    user = await registry('user', seen);
    workspaceRegistry = await registry('workspace', seen);
    // The user's own configuration: their registry, with their token keyed to it.
    const userHost = user.origin.replace(/^http:/, '');
    fs.writeFileSync(path.join(os.homedir(), '.npmrc'), `registry=${user.origin}/\n${userHost}/:_authToken=${USER_TOKEN}\n`);
    await vscode.workspace.getConfiguration('sitewarden').update('registry.python', `${user.origin}/pypi`, vscode.ConfigurationTarget.Global);
    // The hostile workspace: its registry with an environment variable as the token, itself as the
    // proxy (attack 2: the proxy would receive the user's token), and the same in its settings.
    const ws = folder();
    const wsHost = workspaceRegistry.origin.replace(/^http:/, '');
    fs.writeFileSync(path.join(ws, '.npmrc'), `registry=${workspaceRegistry.origin}/\n${wsHost}/:_authToken=\${SOME_SECRET}\nproxy=${workspaceRegistry.origin}/\nhttps-proxy=${workspaceRegistry.origin}/\n`);
    fs.writeFileSync(path.join(ws, 'package.json'), '{\n  "name": "shop",\n  "dependencies": {\n    "lodash": "^4.17.15"\n  }\n}\n');
    fs.writeFileSync(path.join(ws, 'package-lock.json'), JSON.stringify({ lockfileVersion: 3, packages: { '': {}, 'node_modules/lodash': { version: '4.17.15' } } }));
    fs.writeFileSync(path.join(ws, 'requirements.txt'), `--index-url ${workspaceRegistry.origin}/simple/\nflask==2.0.0\n`);
    fs.mkdirSync(path.join(ws, '.vscode'), { recursive: true });
    fs.writeFileSync(path.join(ws, '.vscode', 'settings.json'), JSON.stringify({ 'sitewarden.registry.node': `${workspaceRegistry.origin}/`, 'sitewarden.registry.python': `${workspaceRegistry.origin}/pypi`, 'sitewarden.npmRegistry': `${workspaceRegistry.origin}/`, 'sitewarden.pypiIndex': `${workspaceRegistry.origin}/pypi` }));
    const ext = vscode.extensions.getExtension<SiteWardenApi>('sitewarden.sitewarden');
    assert.ok(ext, 'the extension is installed');
    api = await ext.activate();
  });

  after(async () => {
    user?.server.close();
    workspaceRegistry?.server.close();
  });

  it('the status bar and the views say Restricted Mode', async () => {
    const ui = api.ui();
    assert.match(ui.status, /\(Restricted Mode\)$/);
    assert.match(ui.dependencies ?? '', /Restricted Mode: the workspace's registry settings are ignored/);
    assert.match(ui.checklist ?? '', /Restricted Mode: generator actions are off/);
  });

  it('diagnostics keep working', async () => {
    const uri = vscode.Uri.file(path.join(folder(), 'app.py'));
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    await until('diagnostics on app.py', () => vscode.languages.getDiagnostics(uri).some((d) => d.source === 'SiteWarden' && String(typeof d.code === 'object' ? d.code.value : d.code) === 'py-flask-debug'));
  });

  it('no generator runs: each command refuses and no file changes', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const before = snapshot(folder());
    for (const c of GENERATOR_COMMANDS) await vscode.commands.executeCommand(c, c === 'sitewarden.addSecurityHeaders' ? { framework: 'flask', profile: 'production' } : undefined);
    // The checklist's fix button on a generator item goes through the same guard.
    await vscode.commands.executeCommand('sitewarden.runItemAction', { item: { item: { action: { command: 'sitewarden.addEncryptionHelper' } } } });
    // Shown for the harness, which keeps what the refusals said.
    await vscode.commands.executeCommand('notifications.showList');
    await sleep(1500);
    await vscode.commands.executeCommand('notifications.hideList');
    assert.deepEqual(snapshot(folder()), before);
    assert.deepEqual(vscode.window.visibleTextEditors.map((e) => e.document.uri.toString()).filter((u) => u.startsWith('sitewarden-preview:')), [], 'no diff preview was opened');
    // The checklist still evaluates, and its generator items say their fix is off.
    await vscode.commands.executeCommand('sitewarden.showChecklist');
    const r = await until('the checklist', () => api.checklistView.result);
    const encryption = r.areas.flatMap((a) => a.items).find((i) => i.item.id === 'encryption')!;
    assert.match(String(api.checklistView.getTreeItem({ kind: 'item', item: encryption }).description), /fix off in Restricted Mode/);
    assert.equal(api.checklistView.getTreeItem({ kind: 'item', item: encryption }).contextValue, 'sitewarden.item.generator');
  });

  it('the dependency check never runs unasked: declined, nothing is sent', async () => {
    await sleep(500);
    assert.deepEqual(seen, [], 'nothing was sent before the command');
    await withNotificationsShown(() => vscode.commands.executeCommand('sitewarden.checkDependencies')); // the harness answers "Not now"
    await sleep(1000);
    assert.deepEqual(seen, []);
    assert.equal(api.lastDependencyCheck, undefined);
  });

  it('confirmed, it asks only the user\'s registries and no request carries a workspace credential', async () => {
    await withNotificationsShown(() => vscode.commands.executeCommand('sitewarden.checkDependencies')); // the harness confirms
    assert.equal(api.lastDependencyCheck?.workspaceConfig, 'ignored');
    assert.deepEqual(api.lastDependencyCheck.hostsContacted, [user.origin]);
    const leaks = seen.filter((s) => JSON.stringify(s).includes(secret));
    assert.deepEqual(leaks, [], 'SOME_SECRET reached a server');
    assert.deepEqual(seen.filter((s) => s.registry === 'workspace').map((s) => `${s.method} ${s.url}`), [], 'requests reached the workspace registry / proxy');
    const asked = seen.map((s) => `${s.method} ${s.url}`);
    for (const r of ['GET /lodash', 'POST /-/npm/v1/security/advisories/bulk']) assert.ok(asked.includes(r), `${r} among ${asked.join(', ')}`);
    // requirements.txt names its own index (--index-url): its packages may be private, so Restricted
    // Mode neither reads that index nor sends their names to the user's; they are listed as not checked.
    assert.deepEqual(asked.filter((r) => r.includes('/pypi/')), []);
    const flask = api.lastDependencyCheck.unchecked.find((p) => p.name === 'flask');
    assert.match(String(flask?.note), /own package index/);
    // The only credential sent is the user's own, to the registry it is keyed to.
    for (const s of seen) {
      const auth = s.headers.authorization;
      if (s.url.startsWith('/pypi/')) assert.equal(auth, undefined, `${s.method} ${s.url}`);
      else assert.equal(auth, `Bearer ${USER_TOKEN}`, `${s.method} ${s.url}`);
      assert.equal(s.headers['proxy-authorization'], undefined);
      assert.equal(s.headers.cookie, undefined);
    }
    // And the check really ran on the workspace's manifests.
    const manifest = vscode.Uri.file(path.join(folder(), 'package.json'));
    await until('the lodash diagnostic', () => vscode.languages.getDiagnostics(manifest).some((d) => String(typeof d.code === 'object' ? d.code.value : d.code) === 'dep-vulnerable'));
    console.log(`RESTRICTED requests=${seen.length} to=${[...new Set(seen.map((s) => s.registry))].join(',')}`);
  });

  it('granting trust switches everything on without a reload', async () => {
    const granted = new Promise<void>((resolve) => vscode.workspace.onDidGrantWorkspaceTrust(() => resolve()));
    // The person's part: the Workspace Trust editor opens, the harness presses its "Trust" button.
    await vscode.commands.executeCommand('workbench.trust.manage');
    console.log('E2E-GRANT-TRUST');
    await Promise.race([granted, sleep(45000).then(() => { throw new Error('trust was not granted'); })]);
    await until('the status bar to change', () => !/Restricted Mode/.test(api.ui().status) && api.ui());
    const ui = api.ui();
    assert.equal(ui.dependencies, undefined);
    assert.equal(ui.checklist, undefined);
    await vscode.workspace.getConfiguration('sitewarden').update('registry.python', undefined, vscode.ConfigurationTarget.Global);
  });
});
