/**
 * The Dependencies view as a tree (issue 19), against the stand-in `vscode`: the report of a real
 * check (the shop lockfile against a 127.0.0.1 fixture registry) carries transitive rows; each is
 * shown under the direct dependency that pulls it in, not as a top-level row of its own.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { installFakeVscode, resetHost } from './fake-vscode';
import { startFixtureRegistry } from './fixture-registry';
import { shopData } from './shop-registry';

installFakeVscode();
/* eslint-disable @typescript-eslint/no-require-imports */
const { checkDependencies } = require('../src/deps/check') as typeof import('../src/deps/check');
const { DependenciesView } = require('../src/extension/views') as typeof import('../src/extension/views');
/* eslint-enable @typescript-eslint/no-require-imports */

const SHOP = path.join(__dirname, '..', '..', 'test', 'fixtures', 'lockfiles', 'shop');
const tmp = (p: string) => fs.mkdtempSync(path.join(os.tmpdir(), p));

type Row = import('../src/deps/check-context').PackageRow;
const label = (v: InstanceType<typeof DependenciesView>, n: Row) => String(v.getTreeItem(n).label);

describe('Dependencies view: direct → transitive', function () {
  this.timeout(300_000); // a hang safety net only
  let reg: Awaited<ReturnType<typeof startFixtureRegistry>>;
  before(async () => {
    reg = await startFixtureRegistry(shopData('http://127.0.0.1'));
  });
  after(() => reg.close());

  it('transitive findings sit under the direct dependency that pulls them in', async () => {
    resetHost();
    const dir = tmp('sw-deps-tree-view-');
    fs.copyFileSync(path.join(SHOP, 'package.json'), path.join(dir, 'package.json'));
    fs.copyFileSync(path.join(SHOP, 'package-lock.v3.json'), path.join(dir, 'package-lock.json'));
    const r = await checkDependencies([dir], { npmRegistry: `${reg.url}/`, cacheDir: tmp('sw-cache-'), timeoutMs: 10_000, home: tmp('sw-home-') });
    assert.ok(r.coverage && r.coverage.transitive > 0, 'the report carries transitive packages');
    const view = new DependenciesView();
    view.set(r.packages, [], []);
    const top = view.getChildren().filter((n): n is Row => typeof n !== 'string');
    const names = top.map((n) => n.name);
    for (const t of ['qs', 'ms', 'minimist']) assert.ok(!names.includes(t), `${t} is not a top-level row: ${names.join(', ')}`);
    const express = top.find((n) => n.name === 'express')!;
    assert.ok(express, names.join(', '));
    const under = (n: Row) => (view.getChildren(n) as Row[]).map((c) => label(view, c));
    assert.deepEqual(under(express), ['ms 2.0.0', 'qs 6.5.1']);
    assert.deepEqual(under(top.find((n) => n.name === 'mkdirp')!), ['minimist 0.0.8']);
    assert.deepEqual(under(top.find((n) => n.name === 'lodash')!), []);
    // The parent is expanded and says what it brings; the child tells the path.
    const item = view.getTreeItem(express);
    assert.equal(item.collapsibleState, 2 /* Expanded */);
    assert.match(String(item.description), /brings 2 packages with problems/);
    const qs = (view.getChildren(express) as Row[]).find((c) => c.name === 'qs')!;
    assert.match(String(view.getTreeItem(qs).tooltip), /^via express › qs 6\.5\.1/);
    // Vulnerable parents (through their children) come before merely outdated rows.
    const vulnerableFirst = top.findIndex((n) => n.status !== 'vulnerable' && !(view.getChildren(n) as Row[]).some((c) => c.status === 'vulnerable'));
    assert.ok(vulnerableFirst === -1 || top.slice(vulnerableFirst).every((n) => !(view.getChildren(n) as Row[]).length && n.status !== 'vulnerable'));
  });
});
