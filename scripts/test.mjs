/**
 * `npm test`: mocha with .mocharc.json, every test file. `npm test -- --rule py-weak-hash` (or
 * `--rule=ID`, repeatable) runs only those rules' cases from out/test/rules.test.js: own cases,
 * docs example and "use instead", messages. Other arguments go to mocha as they are.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

const rules = [];
const passOn = [];
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--rule') {
    if (i + 1 >= args.length) fail('--rule needs a rule id, e.g. npm test -- --rule py-weak-hash');
    rules.push(args[++i]);
  } else if (a.startsWith('--rule=')) rules.push(a.slice('--rule='.length));
  else passOn.push(a);
}

function fail(message) {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

const configFile = path.join(root, '.mocharc.json');
let mochaArgs = ['--config', configFile];
if (rules.length) {
  // Mocha adds a --spec to the config's spec list, so the config's other options are passed instead.
  const config = JSON.parse(readFileSync(configFile, 'utf8'));
  mochaArgs = ['--no-config', ...Object.entries(config).filter(([k]) => k !== 'spec').flatMap(([k, v]) => (v === true ? [`--${k}`] : v === false ? [`--no-${k}`] : [v].flat().flatMap((x) => [`--${k}`, String(x)])))];
  // The ids are checked against the compiled rules, so a typo is an error rather than "0 passing".
  const compiledRules = path.join(root, 'out', 'src', 'rules', 'index.js');
  if (!existsSync(compiledRules)) fail('out/src/rules/index.js is missing: run `npm run build && npm run compile-tests` (npm test does it first)');
  const known = new Set(require(compiledRules).allRules.map((r) => r.meta.id));
  const unknown = rules.filter((id) => !known.has(id));
  if (unknown.length) fail(`unknown rule id(s): ${unknown.join(', ')}\nknown: ${[...known].sort().join(', ')}`);
  const escaped = rules.map((id) => id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  // Titles in rules.test.ts are "<id>: N valid, M invalid".
  mochaArgs.push(path.join(root, 'out', 'test', 'rules.test.js'), '--grep', ` (${escaped.join('|')}): \\d+ valid, \\d+ invalid$`);
}

const mocha = require.resolve('mocha/bin/mocha.js');
const r = spawnSync(process.execPath, [mocha, ...mochaArgs, ...passOn], { cwd: root, stdio: 'inherit' });
if (r.error) fail(String(r.error));
process.exit(r.status ?? 1);
