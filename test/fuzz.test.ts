import * as assert from 'node:assert/strict';
import { runFuzz } from './fuzz/harness';
import { findRegexes, probeAll } from './fuzz/regex-probe';

describe('fuzzing (small run; `npm run fuzz` does 100,000+ inputs)', function () {
  this.timeout(120000);

  it('no front end crashes or takes over 1 s on mutated and arbitrary input', async () => {
    const stats = await runFuzz(Number(process.env.SITEWARDEN_FUZZ_RUNS ?? 60), 42);
    for (const s of stats) {
      assert.deepEqual(s.failures, [], s.property);
      assert.ok(s.runs > 0, `${s.property} ran`);
    }
  });

  it('no regular expression in the rules or the engine backtracks catastrophically', async () => {
    const sites = await findRegexes();
    assert.ok(sites.length > 10, 'the probe finds the regexes');
    const slow = (await probeAll(sites, 2000)).filter((v) => v.worstMs > 100);
    assert.deepEqual(slow.map((v) => `${v.file}:${v.line} /${v.source}/ took ${v.worstMs.toFixed(0)} ms on ${v.worstInput}`), []);
  });
});
