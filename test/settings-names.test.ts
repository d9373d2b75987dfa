/**
 * How the Settings editor names our settings: it builds the label from the key (the part after the
 * last dot split at capitals, first letter upper-cased; dots become " › "), so a key is its title.
 * `npmRegistry` and `pypiIndex` read "Npm Registry" and "Pypi Index"; their new names must read well,
 * and the old ones must keep working for people who set them.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { host, installFakeVscode, resetHost } from './fake-vscode';

installFakeVscode();
/* eslint-disable @typescript-eslint/no-require-imports */
const { settings } = require('../src/extension/config') as typeof import('../src/extension/config');
/* eslint-enable @typescript-eslint/no-require-imports */

const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', 'package.json'), 'utf8'));
type Prop = { markdownDeprecationMessage?: string; deprecationMessage?: string };
const props = manifest.contributes.configuration.properties as Record<string, Prop>;

/** The label as the Settings editor spells it (our own reading of its behaviour, for the check). */
function label(key: string): string {
  return key
    .replace(/^sitewarden\./, '')
    .replace(/\.([a-z0-9])/g, (_, c: string) => ` › ${c.toUpperCase()}`)
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/^[a-z]/, (c) => c.toUpperCase());
}

describe('setting names', () => {
  beforeEach(() => resetHost());

  it('every setting that is not deprecated has a label without a misspelt brand', () => {
    const current = Object.entries(props).filter(([, p]) => !p.markdownDeprecationMessage && !p.deprecationMessage);
    assert.ok(current.length >= 12);
    for (const [key] of current) {
      assert.match(key, /^sitewarden\./);
      assert.doesNotMatch(label(key), /\b(Pypi|Npm|Sitewarden|Site Warden)\b/, `${key} reads "${label(key)}"`);
    }
    assert.equal(label('sitewarden.registry.python'), 'Registry › Python');
  });

  it('the former registry names are deprecated, restricted, and still read when the new one is empty', () => {
    for (const old of ['sitewarden.npmRegistry', 'sitewarden.pypiIndex']) {
      assert.ok(props[old]?.markdownDeprecationMessage, `${old} says what replaces it`);
      assert.ok(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations.includes(old));
    }
    host.config['sitewarden.npmRegistry'] = 'https://old.example/npm/';
    host.config['sitewarden.pypiIndex'] = 'https://old.example/pypi';
    assert.equal(settings().npmRegistry, 'https://old.example/npm/');
    assert.equal(settings().pypiIndex, 'https://old.example/pypi');
    host.config['sitewarden.registry.node'] = 'https://new.example/npm/';
    host.config['sitewarden.registry.python'] = 'https://new.example/pypi';
    assert.equal(settings().npmRegistry, 'https://new.example/npm/');
    assert.equal(settings().pypiIndex, 'https://new.example/pypi');
  });
});
