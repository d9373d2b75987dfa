// No noise on ordinary code (issue 15, "precision"): each case here was reported before and is
// not a problem — translation labels, placeholders, enum-like constants, cookies being cleared, a
// comment that mentions helmet. The true positives next to them must still be reported.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { scanPaths } from '../src/core/scanner';
import { allRules } from '../src/rules';
import { isWordFormOf } from '../src/rules/shared/secrets';

async function findings(files: Record<string, string>, ruleId: string): Promise<string[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-prec-'));
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
  const r = await scanPaths([dir], { rules: allRules.filter((x) => x.meta.id === ruleId) });
  return r.findings.map((f) => `${path.relative(dir, f.file).split(path.sep).join('/')}:${f.range.start.line + 1}:${f.severity}`).sort();
}

describe('precision on ordinary code', () => {
  describe('secrets', () => {
    it('translation and locale files hold labels, not secrets (known token formats still count)', async () => {
      const got = await findings(
        {
          'i18n/de.json': '{\n  "password": "Kennwort",\n  "apiKey": "Schluesselwert-fuer-API-Zugang"\n}\n',
          'locales/fr/auth.yml': 'password: MotDePasse\n',
          'src/main/resources/messages_de.properties': 'login.password=Passwort\n',
          'locales/en.json': '{\n  "awsKey": "AKIAIOSFODNN7ABCDEFG"\n}\n',
          'config/prod.yml': 'database:\n  password: Pr0dPassw0rd!\n',
        },
        'txt-secret',
      );
      assert.deepEqual(got, ['config/prod.yml:2:high', 'locales/en.json:2:critical']);
    });

    it('docs, OpenAPI examples and .env.sample values are placeholders: low at most', async () => {
      const got = await findings(
        {
          'docs/deploy/config.yml': 'db:\n  password: Pr0dPassw0rd!\n',
          'api/spec.yaml': 'components:\n  schemas:\n    Login:\n      example:\n        username: alice\n        password: Wonderl4nd!\n      properties:\n        password:\n          type: string\nserver:\n  password: Pr0dPassw0rd!\n',
          '.env.sample': 'SESSION_SECRET=q8Zr3TkP9wLm2XvB7nY4cD6fH1sK\n',
        },
        'txt-secret',
      );
      assert.deepEqual(got, ['.env.sample:1:low', 'api/spec.yaml:11:high', 'api/spec.yaml:6:low', 'docs/deploy/config.yml:2:low']);
    });

    it('enum-like constants whose value spells their key are not secrets', async () => {
      const js = await findings(
        {
          'events.js': "const RESET_PASSWORD = 'reset_password';\nconst Events = { tokenExpired: 'token-expired', AUTH_TOKEN: 'app.auth.token' };\nconst db_password = 'password123';\n",
        },
        'js-hardcoded-secret',
      );
      assert.deepEqual(js, ['events.js:3:high']);
      const py = await findings({ 'app/consts.py': 'PASSWORD_RESET = "password_reset"\nFORGOT_PASSWORD = "forgot-password"\nDB_PASSWORD = "Hunter2hunter"\n' }, 'py-hardcoded-secret');
      assert.deepEqual(py, ['app/consts.py:3:high']);
      const txt = await findings({ 'config/events.yml': 'RESET_PASSWORD: reset_password\nADMIN_PASSWORD: S3cretAdm1n\n' }, 'txt-secret');
      assert.deepEqual(txt, ['config/events.yml:2:high']);
      // Key-to-type and key-to-group tables name a field's kind, not its value.
      const tables = await findings({ 'mapper.js': "const types = { password: 'string' };\nconst groups = { password: 'private', api_key: 'internal' };\n" }, 'js-hardcoded-secret');
      assert.deepEqual(tables, []);
      assert.equal(isWordFormOf('password1', 'password'), false, 'a digit makes it a chosen value');
      assert.equal(isWordFormOf('mysecret', 'secret'), false);
    });
  });

  describe('cookies: clearing a cookie is not an insecure cookie', () => {
    it('Express: an empty value or an expiry in the past is clearing, whatever the name', async () => {
      const got = await findings(
        {
          'app.js': [
            "res.cookie('session', '', { expires: new Date(0) });",
            "res.cookie('auth_token', '');",
            "res.cookie('sid', 'x', { maxAge: 0 });",
            "res.clearCookie('session');",
            "res.cookie('session', id);",
          ].join('\n'),
        },
        'js-insecure-cookie',
      );
      assert.deepEqual(got, ['app.js:5:medium']);
    });

    it('Flask/Django: set_cookie(name, "", expires=0), max_age=0 and delete_cookie are clearing', async () => {
      const got = await findings(
        {
          'views.py': [
            'resp.set_cookie("session_id", "", expires=0)',
            'resp.set_cookie("auth_token", value="", max_age=0)',
            "resp.set_cookie('remember_token', 'x', expires='Thu, 01 Jan 1970 00:00:00 GMT')",
            'resp.delete_cookie("session_id")',
            'resp.set_cookie("session_id", sid)',
          ].join('\n'),
        },
        'py-insecure-cookie',
      );
      assert.deepEqual(got, ['views.py:5:medium']);
    });
  });

  describe('helmet: a mention is not a use, nothing in a comment is evidence', () => {
    const app = (extra: string) => `const express = require('express');\n${extra}\nconst app = express();\napp.get('/', h);\n`;
    it('a comment or a string that mentions helmet does not count', async () => {
      const got = await findings(
        {
          'a.js': app("// TODO: const helmet = require('helmet'); app.use(helmet())"),
          'b.js': app("/* app.disable('x-powered-by') */\nconst note = \"require('helmet') is planned\";"),
          'c.js': app("const helmet = require('helmet');"),
          'd.js': app("app.disable('x-powered-by');").replace("app.disable('x-powered-by');\nconst app = express();", "const app = express();\napp.disable('x-powered-by');"),
          'e.js': app("import('helmet');"),
        },
        'js-express-no-helmet',
      );
      assert.deepEqual(got, ['a.js:3:medium', 'b.js:4:medium']);
    });

    it('routes in comments are not routes', async () => {
      const got = await findings({ 'f.js': "const express = require('express');\nconst app = express();\n// app.get('/', h)\nmodule.exports = app;\n" }, 'js-express-no-helmet');
      assert.deepEqual(got, []);
    });
  });
});
