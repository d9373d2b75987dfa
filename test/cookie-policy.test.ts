import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { scanPaths } from '../src/core/scanner';
import { allRules } from '../src/rules';
import { judgeCookie } from '../src/rules/shared/cookie-flags';

async function severities(ruleId: string, file: string, content: string): Promise<string[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-cookie-'));
  fs.writeFileSync(path.join(dir, file), content);
  const r = await scanPaths([dir], { rules: allRules.filter((x) => x.meta.id === ruleId) });
  return r.findings.map((f) => `${f.range.start.line + 1}:${f.severity}`).sort();
}

describe('one cookie policy: by what is set, not by the name', () => {
  it('every missing attribute counts; the name and a flag switched off set the severity', () => {
    assert.deepEqual(judgeCookie({ name: 'theme', secure: 'missing', httpOnly: 'missing', sameSite: 'missing' }), { missing: ['Secure', 'HttpOnly', 'SameSite'], severity: 'low' });
    assert.deepEqual(judgeCookie({ name: 'sessionid', secure: 'missing', httpOnly: 'on', sameSite: 'set' }), { missing: ['Secure'], severity: undefined });
    assert.deepEqual(judgeCookie({ name: 'prefs', secure: 'off', httpOnly: 'on', sameSite: 'set' }), { missing: ['Secure'], severity: undefined });
    assert.deepEqual(judgeCookie({ name: 'prefs', secure: 'missing', httpOnly: 'on', sameSite: 'none' }), { missing: ['Secure'], severity: undefined });
    assert.equal(judgeCookie({ name: 'x', secure: 'on', httpOnly: 'on', sameSite: 'set' }), undefined);
  });
  it('Python and JavaScript report the same cookies with the same severities', async () => {
    const py = await severities('py-insecure-cookie', 'views.py', [
      'def v(resp, sid):',
      '    resp.set_cookie("theme", "dark")',
      '    resp.set_cookie("sessionid", sid, httponly=True, samesite="Lax")',
      '    resp.set_cookie("prefs", "1", secure=False, httponly=True, samesite="Lax")',
      '    resp.set_cookie("ok", "1", secure=True, httponly=True, samesite="Lax")',
    ].join('\n'));
    const js = await severities('js-insecure-cookie', 'app.js', [
      "app.get('/', (req, res) => {",
      "  res.cookie('theme', 'dark');",
      "  res.cookie('sessionid', sid, { httpOnly: true, sameSite: 'lax' });",
      "  res.cookie('prefs', '1', { secure: false, httpOnly: true, sameSite: 'lax' });",
      "  res.cookie('ok', '1', { secure: true, httpOnly: true, sameSite: 'lax' });",
      '});',
    ].join('\n'));
    assert.deepEqual(py, ['2:low', '3:medium', '4:medium']);
    assert.deepEqual(js, ['2:low', '3:medium', '4:medium']);
  });
});
