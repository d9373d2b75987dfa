import * as assert from 'node:assert/strict';
import { Analyzer } from '../src/core/engine';
import { ensureLanguages } from '../src/core/parser';
import type { InvalidTestCase, Rule, RuleTestCase } from '../src/core/rule';
import { runRuleCases } from '../src/core/rule-tester';
import { allRules } from '../src/rules';

/** Cases for the rules issue 15 extended; they live here so that the rule files' own blocks stay as they were. */
function withCases(id: string, valid: (string | RuleTestCase)[], invalid: InvalidTestCase[]): Rule {
  const rule = allRules.find((r) => r.meta.id === id);
  assert.ok(rule, `${id} is registered`);
  // The rule's own message-asserting cases come along: the tester asks every run for one.
  return { ...rule, tests: { valid, invalid: [...invalid, ...rule.tests.invalid.filter((c) => c.messages)] } };
}

async function assertCases(rule: Rule): Promise<void> {
  const failures = await runRuleCases(rule);
  assert.deepEqual(failures.map((f) => `[${f.kind} #${f.index}] ${f.problem}\n${f.code}`), []);
}

describe('issue 15 Python rules: extended rules', () => {
  it('py-unsafe-deserialization: full_load, unpickler classes, cloudpickle, yaml loader classes', async () => {
    await assertCases(withCases('py-unsafe-deserialization', [
      'import yaml\nyaml.safe_load_all(stream)',
      'import yaml\nyaml.load(text, Loader=yaml.CSafeLoader)',
      'import pickle\ndata = pickle.dumps(obj)',
      'import cPickle as pickle\ndef loads(s):\n    u = pickle.Unpickler(BytesIO(s))\n    u.find_global = allowed_class\n    return u.load()',
    ], [
      { code: 'import cPickle as pickle\ndef loads(s):\n    u = pickle.Unpickler(BytesIO(s))\n    return u.load()', errors: [3] },
      { code: 'import yaml\ncfg = yaml.full_load(stream)', errors: [2], output: 'import yaml\ncfg = yaml.safe_load(stream)' },
      { code: 'import yaml\ndocs = list(yaml.full_load_all(stream))', errors: [2], output: 'import yaml\ndocs = list(yaml.safe_load_all(stream))' },
      { code: 'import yaml\ncfg = yaml.load(stream, Loader=yaml.UnsafeLoader)', errors: [2] },
      { code: 'import yaml\ncfg = yaml.load(stream, yaml.CLoader)', errors: [2] },
      { code: 'import yaml\ncfg = yaml.Loader(stream).get_single_data()', errors: [2] },
      { code: 'import dill\nobj = dill.Unpickler(fh).load()', errors: [2] },
      { code: 'import cloudpickle\nfn = cloudpickle.loads(blob)', errors: [2] },
      { code: 'import _pickle\nobj = _pickle.Unpickler(fh).load()', errors: [2] },
      { code: 'import jsonpickle\nobj = jsonpickle.decode(body)', errors: [2] },
      { code: 'import pandas as pd\ndf = pd.read_pickle(upload)', errors: [2] },
      { code: 'import torch\nm = torch.load(path, weights_only=False)', errors: [2] },
      { code: 'import shelve\ndb = shelve.open(name)', errors: [2] },
    ]));
  });

  it('py-hardcoded-secret: SECRET_KEY in Flask config.update / from_mapping / config[...]', async () => {
    await assertCases(withCases('py-hardcoded-secret', [
      'import os\napp.config.update(SECRET_KEY=os.environ["SECRET_KEY"])',
      'import os\napp.config.from_mapping({"SECRET_KEY": os.environ["SECRET_KEY"]})',
    ], [
      { code: 'app.config.update(SECRET_KEY="8f2c1e9d7b6a5f4e3d2c1b0a")', errors: [1] },
      { code: 'app.config.from_mapping(SECRET_KEY="8f2c1e9d7b6a5f4e3d2c1b0a")', errors: [1] },
      { code: 'app.config.update({"SECRET_KEY": "8f2c1e9d7b6a5f4e3d2c1b0a"})', errors: [1] },
      { code: 'app.config["SECRET_KEY"] = "8f2c1e9d7b6a5f4e3d2c1b0a"', errors: [1] },
    ]));
  });

  it('py-csrf-disabled: WTF_CSRF_ENABLED=False in Flask config.update / from_mapping, also as a dict', async () => {
    await assertCases(withCases('py-csrf-disabled', [
      'app.config.update(WTF_CSRF_ENABLED=True)',
      'app.config.from_mapping({"WTF_CSRF_ENABLED": True})',
    ], [
      { code: 'app.config.update(WTF_CSRF_ENABLED=False)', errors: [1] },
      { code: 'app.config.from_mapping(WTF_CSRF_ENABLED=False)', errors: [1] },
      { code: 'app.config.update({"WTF_CSRF_ENABLED": False})', errors: [1] },
      { code: 'app.config["WTF_CSRF_ENABLED"] = False', errors: [1] },
    ]));
  });

  it('py-insecure-cookie: SESSION_COOKIE_SECURE=False in Flask config.update / from_mapping, also as a dict', async () => {
    await assertCases(withCases('py-insecure-cookie', [
      'app.config.update(SESSION_COOKIE_SECURE=True)',
      'app.config.from_mapping({"SESSION_COOKIE_SECURE": True})',
    ], [
      { code: 'app.config.update(SESSION_COOKIE_SECURE=False)', errors: [1] },
      { code: 'app.config.from_mapping(SESSION_COOKIE_SECURE=False)', errors: [1] },
      { code: 'app.config.update({"SESSION_COOKIE_SECURE": False})', errors: [1] },
      { code: 'app.config["SESSION_COOKIE_SECURE"] = False', errors: [1] },
    ]));
  });
});

describe('issue 15: one local-host policy for cleartext rules', () => {
  it('single-label hosts (compose services) are local for Python and JavaScript alike', async () => {
    await assertCases(withCases('py-cleartext-transport', [
      'import requests\nrequests.get("http://internal_server:8089/users", timeout=5)',
      'import httpx\nhttpx.post("http://api:8080/v1/jobs", json=job)',
    ], [
      { code: 'import requests\nrequests.get("http://api.partner.com:8089/users", timeout=5)', errors: [2] },
      { code: 'import requests\nrequests.get("http://10.0.0.7/metrics", timeout=5)', errors: [2] },
    ]));
    await assertCases(withCases('js-cleartext-http', [
      "fetch('http://internal_server:8089/users');",
      "axios.post('http://api:8080/v1/jobs', job);",
    ], [
      { code: "fetch('http://api.partner.com:8089/users');", errors: [1] },
      { code: "fetch('http://10.0.0.7/metrics');", errors: [1] },
    ]));
  });
});

describe('issue 15 Python rules: no double reports', () => {
  const analyzer = new Analyzer(allRules);
  before(() => ensureLanguages(['python']));

  it('a request-built shell command is py-command-injection only, a constant one py-process-start only', () => {
    const code = 'import os\nfrom flask import request\nos.system("ping " + request.args["h"])\nos.system("clear")\n';
    const found = analyzer.analyzeSync('app.py', code, 'python').findings.map((f) => `${f.ruleId}@${f.range.start.line + 1}`).sort();
    assert.deepEqual(found, ['py-command-injection@3', 'py-process-start@4']);
  });

  it('an unverified context is py-tls-verify-disabled only; a weak version is py-weak-tls-version only', () => {
    const code = 'import ssl\nc = ssl._create_unverified_context()\nd = ssl.SSLContext(ssl.PROTOCOL_TLSv1)\n';
    const found = analyzer.analyzeSync('app.py', code, 'python').findings.map((f) => `${f.ruleId}@${f.range.start.line + 1}`).sort();
    assert.deepEqual(found, ['py-tls-verify-disabled@2', 'py-weak-tls-version@3']);
  });
});
