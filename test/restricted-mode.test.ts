import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ITEMS } from '../src/checklist/model';
import { GENERATOR_COMMANDS, isGeneratorCommand } from '../src/extension/generator-commands';

// The static half of Restricted Mode: what VS Code reads from package.json before any extension
// code runs (menus, welcome views, the capability). The behaviour itself is proven in a real
// VS Code with workspace trust on (scripts/e2e.mjs, test/e2e/suite/restricted.e2e.ts).

interface MenuEntry {
  command: string;
  when?: string;
}

const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
const menus = manifest.contributes.menus as Record<string, MenuEntry[]>;

/** `isWorkspaceTrusted` as one of the `&&` terms of a when clause (not negated, not under `||`). */
function requiresTrust(when: string | undefined): boolean {
  if (!when || when.includes('||')) return false;
  return when.split('&&').some((t) => t.trim() === 'isWorkspaceTrusted');
}

describe('Restricted Mode in package.json', () => {
  // This test and the checklist classification below keep the list honest (they hold on the old manifest too).
  it('every generator command is a contributed command', () => {
    const contributed = new Set((manifest.contributes.commands as { command: string }[]).map((c) => c.command));
    for (const c of GENERATOR_COMMANDS) assert.ok(contributed.has(c), c);
  });

  it('no menu offers a generator in an untrusted workspace, the command palette included', () => {
    for (const c of GENERATOR_COMMANDS) {
      const entries = menus.commandPalette.filter((e) => e.command === c);
      assert.equal(entries.length, 1, `${c}: one commandPalette entry`);
      assert.ok(requiresTrust(entries[0].when), `${c}: when "${entries[0].when}" does not require isWorkspaceTrusted`);
    }
    for (const [menu, entries] of Object.entries(menus)) {
      for (const e of entries) {
        if (isGeneratorCommand(e.command)) assert.ok(requiresTrust(e.when), `${menu}: ${e.command} when "${e.when}"`);
        // The checklist's "fix" button runs the item's command: on generator items it needs trust.
        if (e.command === 'sitewarden.runItemAction' && (e.when ?? '').includes('sitewarden.item.generator')) assert.ok(requiresTrust(e.when), `${menu}: ${e.when}`);
      }
    }
  });

  it('every checklist action is classified: a generator, or a command that writes nothing', () => {
    const readOnly = new Set(['sitewarden.auditWorkspace', 'sitewarden.checkDependencies']);
    for (const item of ITEMS) {
      const c = item.action?.command;
      if (c) assert.ok(isGeneratorCommand(c) || readOnly.has(c), `${item.id}: ${c} is neither a generator nor known to write nothing`);
    }
  });

  it('the dependencies view says what Restricted Mode does before any check', () => {
    const welcome = (manifest.contributes.viewsWelcome as { view: string; contents: string; when?: string }[]).filter((w) => w.view === 'sitewarden.dependencies');
    const restricted = welcome.find((w) => w.when === '!isWorkspaceTrusted');
    assert.ok(restricted, 'a welcome entry for untrusted workspaces');
    assert.match(restricted.contents, /Restricted Mode/);
    assert.match(restricted.contents, /registry settings .*ignored/);
    assert.match(restricted.contents, /\(command:sitewarden\.checkDependencies\)/);
    assert.ok(welcome.some((w) => w.when === 'isWorkspaceTrusted'), 'and one for trusted workspaces');
  });

  it('the capability describes what is limited', () => {
    const u = manifest.capabilities.untrustedWorkspaces;
    assert.equal(u.supported, 'limited');
    assert.deepEqual([...u.restrictedConfigurations].sort(), ['sitewarden.npmRegistry', 'sitewarden.pypiIndex', 'sitewarden.registry.node', 'sitewarden.registry.python']);
    assert.match(u.description, /registry settings/);
    assert.match(u.description, /only after you confirm/);
    assert.match(u.description, /generators .* are off/);
  });
});
