import * as assert from 'assert';
import * as path from 'path';
import { cacheFolder, cacheRoot } from '../src/core/cache-folder';

describe('cache folder policy', () => {
  it('uses an absolute XDG_CACHE_HOME, and ignores a relative one as the XDG spec says', () => {
    assert.strictEqual(cacheRoot({ XDG_CACHE_HOME: '/var/cache/ci' }, '/home/u'), path.join('/var/cache/ci', 'sitewarden'));
    assert.strictEqual(cacheRoot({ XDG_CACHE_HOME: 'rel/dir' }, '/home/u'), path.join('/home/u', '.cache', 'sitewarden'));
    assert.strictEqual(cacheRoot({}, '/home/u'), path.join('/home/u', '.cache', 'sitewarden'));
  });
  it('keeps registry answers and scan results under one root', () => {
    const root = '/tmp/sw-cache';
    assert.strictEqual(cacheFolder('deps', root), root);
    assert.strictEqual(cacheFolder('scan', root), path.join(root, 'scan'));
  });
});
