import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv-draft-04';
import { parse } from 'yaml';

const ROOT = path.join(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const SEED = fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'seed-flask', 'app.py'), 'utf8');

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function onlyKeys(where: string, o: Obj, allowed: readonly string[]): void {
  for (const k of Object.keys(o)) assert.ok(allowed.includes(k), `${where}: unknown key "${k}" (allowed: ${allowed.join(', ')})`);
}

/**
 * The metadata syntax of a composite action, as GitHub's "Metadata syntax for GitHub Actions"
 * describes it: name and description required; inputs with a description (required, default,
 * deprecationMessage); composite outputs need a value; each run step names its shell.
 */
function checkActionShape(a: unknown): asserts a is Obj {
  assert.ok(isObj(a), 'action.yml is a mapping');
  onlyKeys('action.yml', a, ['name', 'author', 'description', 'inputs', 'outputs', 'runs', 'branding']);
  for (const k of ['name', 'description']) assert.equal(typeof a[k], 'string', `${k} is required`);
  const id = /^[A-Za-z_][A-Za-z0-9_-]*$/;
  if (a.inputs !== undefined) {
    assert.ok(isObj(a.inputs));
    for (const [name, input] of Object.entries(a.inputs)) {
      assert.match(name, id, `input id ${name}`);
      assert.ok(isObj(input), name);
      onlyKeys(`inputs.${name}`, input, ['description', 'required', 'default', 'deprecationMessage']);
      assert.equal(typeof input.description, 'string', `inputs.${name}.description is required`);
      if (input.required !== undefined) assert.equal(typeof input.required, 'boolean', `inputs.${name}.required`);
      // Inputs reach steps as strings; a YAML boolean or number default would be stringified anyway.
      if (input.default !== undefined) assert.equal(typeof input.default, 'string', `inputs.${name}.default is a string`);
    }
  }
  const runs = a.runs;
  assert.ok(isObj(runs), 'runs is required');
  assert.equal(runs.using, 'composite');
  onlyKeys('runs', runs, ['using', 'steps']);
  assert.ok(Array.isArray(runs.steps) && runs.steps.length > 0, 'runs.steps');
  const ids = new Set<string>();
  for (const [i, step] of (runs.steps as unknown[]).entries()) {
    assert.ok(isObj(step), `step ${i}`);
    onlyKeys(`step ${i}`, step, ['id', 'name', 'if', 'run', 'shell', 'uses', 'with', 'env', 'working-directory', 'continue-on-error']);
    assert.ok((step.run === undefined) !== (step.uses === undefined), `step ${i}: exactly one of run and uses`);
    if (step.run !== undefined) {
      assert.equal(typeof step.run, 'string');
      assert.ok(typeof step.shell === 'string', `step ${i}: a composite run step must name its shell`);
      // Our own rule on top of GitHub's: inputs reach scripts through env only, never as
      // ${{ }} pasted into the script, where a crafted branch name or path would be shell code.
      assert.doesNotMatch(step.run as string, /\$\{\{/, `step ${i}: expression inside run:`);
    }
    if (step.id !== undefined) {
      assert.match(String(step.id), id);
      assert.ok(!ids.has(String(step.id)), `duplicate step id ${step.id}`);
      ids.add(String(step.id));
    }
    if (step.env !== undefined) assert.ok(isObj(step.env) && Object.values(step.env).every((v) => typeof v === 'string'), `step ${i}: env values are strings`);
  }
  if (a.outputs !== undefined) {
    assert.ok(isObj(a.outputs));
    for (const [name, out] of Object.entries(a.outputs)) {
      assert.match(name, id);
      assert.ok(isObj(out));
      onlyKeys(`outputs.${name}`, out, ['description', 'value']);
      assert.equal(typeof out.value, 'string', `outputs.${name}.value is required in a composite action`);
    }
  }
  if (a.branding !== undefined) {
    assert.ok(isObj(a.branding));
    onlyKeys('branding', a.branding, ['icon', 'color']);
    if (a.branding.color !== undefined) assert.ok(['white', 'black', 'yellow', 'blue', 'green', 'orange', 'red', 'purple', 'gray-dark'].includes(String(a.branding.color)));
  }
}

/** pre-commit's hook manifest (https://pre-commit.com/#creating-new-hooks): a list of hooks. */
const HOOK_KEYS = ['id', 'name', 'entry', 'language', 'files', 'exclude', 'types', 'types_or', 'exclude_types', 'always_run', 'fail_fast', 'verbose', 'pass_filenames', 'require_serial', 'description', 'language_version', 'minimum_pre_commit_version', 'args', 'stages', 'alias'];
const HOOK_LANGUAGES = ['conda', 'coursier', 'dart', 'docker', 'docker_image', 'dotnet', 'fail', 'golang', 'haskell', 'julia', 'lua', 'node', 'perl', 'pygrep', 'python', 'r', 'ruby', 'rust', 'script', 'swift', 'system', 'unsupported', 'unsupported_script'];
const HOOK_STAGES = ['commit-msg', 'post-checkout', 'post-commit', 'post-merge', 'post-rewrite', 'pre-commit', 'pre-merge-commit', 'pre-push', 'pre-rebase', 'prepare-commit-msg', 'manual'];

function checkHooksShape(doc: unknown): asserts doc is Obj[] {
  assert.ok(Array.isArray(doc) && doc.length > 0, '.pre-commit-hooks.yaml is a non-empty list');
  for (const hook of doc) {
    assert.ok(isObj(hook));
    onlyKeys(`hook ${String(hook.id)}`, hook, HOOK_KEYS);
    for (const k of ['id', 'name', 'entry', 'language']) assert.equal(typeof hook[k], 'string', `${k} is required`);
    assert.ok(HOOK_LANGUAGES.includes(hook.language as string), `language ${hook.language}`);
    for (const k of ['always_run', 'fail_fast', 'verbose', 'pass_filenames', 'require_serial']) if (hook[k] !== undefined) assert.equal(typeof hook[k], 'boolean', k);
    for (const k of ['types', 'types_or', 'exclude_types', 'args', 'stages']) if (hook[k] !== undefined) assert.ok(Array.isArray(hook[k]) && (hook[k] as unknown[]).every((x) => typeof x === 'string'), k);
    for (const s of (hook.stages as string[] | undefined) ?? []) assert.ok(HOOK_STAGES.includes(s), `stage ${s}`);
    for (const k of ['files', 'exclude']) if (hook[k] !== undefined) new RegExp(hook[k] as string);
    if (hook.minimum_pre_commit_version !== undefined) assert.match(String(hook.minimum_pre_commit_version), /^\d+\.\d+\.\d+$/);
  }
}

interface ActionRun {
  status: number;
  stdout: string;
  outputs: Record<string, string>;
}

/**
 * Runs the action's steps the way the runner does for a composite action: each `run:` as a bash
 * script (`bash --noprofile --norc -eo pipefail`), env and working-directory with their
 * expressions evaluated, outputs through $GITHUB_OUTPUT, stopping at the first failed step. Only
 * the expressions this action uses are known; any other fails the test rather than being guessed.
 */
function runAction(action: Obj, workspace: string, given: Record<string, string>): ActionRun {
  const inputs = action.inputs as Record<string, { default?: string }>;
  for (const k of Object.keys(given)) assert.ok(k in inputs, `no input ${k}`);
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-runner-'));
  const stepOutputs: Record<string, Record<string, string>> = {};
  const expr = (s: string) =>
    s.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_m, e: string) => {
      let m: RegExpExecArray | null;
      if ((m = /^inputs\.([\w-]+)$/.exec(e))) return given[m[1]] ?? inputs[m[1]]?.default ?? '';
      if ((m = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(e))) return stepOutputs[m[1]]?.[m[2]] ?? '';
      if (e === 'runner.temp') return temp;
      if (e === 'github.action_path') return ROOT;
      throw new Error(`the test runner does not know the expression ${e}`);
    });
  let stdout = '';
  for (const [i, step] of ((action.runs as Obj).steps as Obj[]).entries()) {
    assert.equal(step.shell, 'bash', 'this runner runs bash steps');
    assert.equal(step.uses, undefined, 'this runner runs run: steps');
    assert.equal(step.if, undefined, 'this runner does not evaluate if:');
    const outFile = path.join(temp, `output-${i}`);
    fs.writeFileSync(outFile, '');
    const script = path.join(temp, `step-${i}.sh`);
    fs.writeFileSync(script, step.run as string);
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, GITHUB_OUTPUT: outFile, GITHUB_WORKSPACE: workspace, RUNNER_TEMP: temp };
    for (const [k, v] of Object.entries((step.env as Record<string, string>) ?? {})) env[k] = expr(v);
    const cwd = path.resolve(workspace, expr((step['working-directory'] as string) ?? '.'));
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd, env, encoding: 'utf8' });
    stdout += r.stdout + r.stderr;
    const outputs: Record<string, string> = {};
    for (const line of fs.readFileSync(outFile, 'utf8').split('\n')) {
      const eq = line.indexOf('=');
      if (eq > 0) outputs[line.slice(0, eq)] = line.slice(eq + 1);
    }
    if (typeof step.id === 'string') stepOutputs[step.id] = outputs;
    if (r.status !== 0) return { status: r.status ?? -1, stdout, outputs: actionOutputs() };
  }
  return { status: 0, stdout, outputs: actionOutputs() };

  function actionOutputs(): Record<string, string> {
    return Object.fromEntries(Object.entries((action.outputs as Record<string, { value: string }>) ?? {}).map(([k, o]) => [k, expr(o.value)]));
  }
}

function sarifValidator() {
  const schema = JSON.parse(fs.readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
  return new Ajv({ allErrors: true, strict: false, validateFormats: false, unicodeRegExp: false }).compile(schema);
}

function sampleProject(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-action-'));
  fs.mkdirSync(path.join(dir, 'web'));
  fs.writeFileSync(path.join(dir, 'web', 'app.py'), SEED);
  fs.writeFileSync(path.join(dir, 'web', 'util.py'), 'def add(a, b):\n    return a + b\n');
  return dir;
}

const actionDoc = parse(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as unknown;
function loadAction(): Obj {
  checkActionShape(actionDoc);
  return actionDoc;
}

describe('GitHub Action and pre-commit hook', () => {
  it('action.yml has the shape of a composite action and names every input the issue asks for', () => {
    const action = loadAction();
    const inputs = Object.keys(action.inputs as Obj);
    for (const name of ['paths', 'baseline', 'fail-on', 'strict', 'cli']) assert.ok(inputs.includes(name), name);
    // The shape check itself catches mistakes: each of these broken copies is refused.
    const broken: [string, (a: Obj) => void][] = [
      ['no description', (a) => delete a.description],
      ['a run step without shell', (a) => delete ((a.runs as Obj).steps as Obj[])[0].shell],
      ['an input pasted into a script', (a) => ((((a.runs as Obj).steps as Obj[])[0].run as string) += '\necho "${{ inputs.paths }}"')],
      ['an output without value', (a) => delete ((a.outputs as Obj)['sarif-file'] as Obj).value],
      ['a boolean default', (a) => (((a.inputs as Obj).strict as Obj).default = false)],
    ];
    for (const [what, edit] of broken) {
      const copy = structuredClone(action);
      edit(copy);
      assert.throws(() => checkActionShape(copy), assert.AssertionError, what);
    }
  });

  it("runs the Action's steps on a sample project: SARIF for upload-sarif, the exit code, then a baseline that passes", () => {
    const action = loadAction();
    const workspace = sampleProject();
    const first = runAction(action, workspace, { cli: CLI, paths: 'web', offline: 'true' });
    assert.equal(first.status, 1, first.stdout);
    assert.match(first.stdout, /::error::SiteWarden: findings at or above fail-on \(low\)/);
    assert.equal(first.outputs['exit-code'], '1');
    const sarifFile = first.outputs['sarif-file'];
    assert.equal(sarifFile, path.join(workspace, 'sitewarden.sarif'));
    const log = JSON.parse(fs.readFileSync(sarifFile, 'utf8')) as { runs: { automationDetails: { id: string }; results: { ruleId: string; baselineState?: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
    const validate = sarifValidator();
    assert.ok(validate(log), JSON.stringify(validate.errors?.slice(0, 5), null, 2));
    assert.equal(log.runs[0].automationDetails.id, 'sitewarden/web/');
    assert.deepEqual(log.runs[0].results.map((r) => `${r.locations[0].physicalLocation.artifactLocation.uri}:${r.ruleId}`).sort(), ['web/app.py:py-fingerprint-stub', 'web/app.py:py-flask-debug']);

    // fail-on above the findings' severities passes.
    assert.equal(runAction(action, workspace, { cli: CLI, paths: 'web', offline: 'true', 'fail-on': 'critical' }).status, 0);

    // The first report committed as the baseline: nothing new, the job passes, SARIF says unchanged.
    fs.mkdirSync(path.join(workspace, '.sitewarden'));
    fs.copyFileSync(sarifFile, path.join(workspace, '.sitewarden', 'baseline.sarif'));
    const second = runAction(action, workspace, { cli: CLI, paths: 'web', offline: 'true', baseline: '.sitewarden/baseline.sarif', output: 'out/second.sarif' });
    assert.equal(second.status, 0, second.stdout);
    assert.equal(second.outputs['exit-code'], '0');
    const again = JSON.parse(fs.readFileSync(path.join(workspace, 'out', 'second.sarif'), 'utf8')) as typeof log;
    assert.deepEqual(again.runs[0].results.map((r) => r.baselineState), ['unchanged', 'unchanged']);

    // A new finding fails it again.
    fs.appendFileSync(path.join(workspace, 'web', 'util.py'), '\nimport pickle\n\ndef load(blob):\n    return pickle.loads(blob)\n');
    const third = runAction(action, workspace, { cli: CLI, paths: 'web', offline: 'true', baseline: '.sitewarden/baseline.sarif' });
    assert.equal(third.status, 1, third.stdout);
    assert.match(third.stdout, /1 new finding\(s\) shown/);
  });

  it('Action inputs: strict must be true or false; paths with several folders; a working directory; a missing cli file', () => {
    const action = loadAction();
    const workspace = sampleProject();
    const bad = runAction(action, workspace, { cli: CLI, strict: 'yes' });
    assert.equal(bad.status, 2);
    assert.match(bad.stdout, /the strict input must be true or false \(got 'yes'\)/);
    fs.mkdirSync(path.join(workspace, 'api'));
    fs.writeFileSync(path.join(workspace, 'api', 'ok.py'), 'x = 1\n');
    const two = runAction(action, workspace, { cli: CLI, paths: 'api\nweb', offline: 'true', 'fail-on': 'none' });
    assert.equal(two.status, 0, two.stdout);
    assert.equal((JSON.parse(fs.readFileSync(two.outputs['sarif-file'], 'utf8')) as { runs: { automationDetails: { id: string } }[] }).runs[0].automationDetails.id, 'sitewarden/api+web/');
    const inWeb = runAction(action, workspace, { cli: CLI, 'working-directory': 'web', offline: 'true', 'fail-on': 'none' });
    assert.equal(inWeb.outputs['sarif-file'], path.join(workspace, 'web', 'sitewarden.sarif'));
    const missing = runAction(action, workspace, { cli: path.join(workspace, 'nope.js') });
    assert.equal(missing.status, 2);
    assert.match(missing.stdout, /the cli input names no file/);
  });

  it('.pre-commit-hooks.yaml has the shape pre-commit reads, and its entry run on staged files fails on a finding', () => {
    const hooks = parse(fs.readFileSync(path.join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as unknown;
    checkHooksShape(hooks);
    const hook = hooks.find((h) => h.id === 'sitewarden')!;
    assert.equal(hook.language, 'node');
    assert.equal(hook.require_serial, true, 'staged files are scanned in one process, so flows between them are seen');
    for (const broken of [[{ ...hook, language: 'nodejs' }], [{ ...hook, entry: undefined }], [{ ...hook, types: 'text' }], [{ ...hook, colour: true }]]) {
      assert.throws(() => checkHooksShape(broken), assert.AssertionError, JSON.stringify(broken));
    }
    // language: node installs this package; the entry's command is its bin.
    const [command, ...args] = (hook.entry as string).split(/\s+/);
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    assert.equal(pkg.bin[command], 'dist/cli.js');
    // pre-commit appends the staged file names.
    const workspace = sampleProject();
    const run = (files: string[]) => spawnSync(process.execPath, [path.join(ROOT, pkg.bin[command]), ...args, ...((hook.args as string[]) ?? []), ...files], { cwd: workspace, encoding: 'utf8' });
    const dirty = run(['web/app.py', 'web/util.py']);
    assert.equal(dirty.status, 1, dirty.stderr);
    assert.match(dirty.stdout, /web\/app\.py:\d+:\d+ {2}HIGH {2}py-flask-debug/);
    assert.equal(run(['web/util.py']).status, 0);
  });

  it("the README's workflow and hook snippets use only inputs the Action has and the hook id we ship", () => {
    const action = loadAction();
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### In CI'), readme.indexOf('### Suppressing a finding'));
    const blocks = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => parse(m[1]) as Obj);
    assert.ok(blocks.length >= 3, 'hook, workflow and matrix examples');
    const steps = blocks.flatMap((b) => Object.values((b.jobs as Record<string, { steps: Obj[] }>) ?? {}).flatMap((j) => j.steps));
    const ours = steps.filter((s) => typeof s.uses === 'string' && s.uses === './.github/actions/sitewarden');
    assert.equal(ours.length, 2);
    for (const step of ours) for (const k of Object.keys((step.with as Obj) ?? {})) assert.ok(k in (action.inputs as Obj), `README passes unknown input ${k}`);
    const outputs = steps.flatMap((s) => JSON.stringify(s).match(/steps\.sitewarden\.outputs\.[\w-]+/g) ?? []);
    for (const o of outputs) assert.ok(o.split('.')[3] in (action.outputs as Obj), o);
    assert.equal(/github\.com\/sitewarden|uses: sitewarden\//.test(section), false, 'no address of a repository that does not exist');
    const hooks = parse(fs.readFileSync(path.join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as Obj[];
    const used = blocks.flatMap((b) => ((b.repos as { hooks: { id: string }[] }[]) ?? []).flatMap((r) => r.hooks.map((h) => h.id)));
    assert.deepEqual(used, ['sitewarden']);
    for (const id of used) assert.ok(hooks.some((h) => h.id === id));
  });
});
