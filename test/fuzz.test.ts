import * as assert from 'node:assert/strict';
import { runFuzz } from './fuzz/harness';
import { findRegexes, GROWTH_LIMIT, probeAll } from './fuzz/regex-probe';

describe('fuzzing (small run; `npm run fuzz` does 100,000+ inputs)', function () {
  // A hang safety net only: nothing here is judged by the clock.
  this.timeout(600_000);

  it('no front end crashes or reports a rule error on mutated and arbitrary input', async () => {
    const stats = await runFuzz(Number(process.env.SITEWARDEN_FUZZ_RUNS ?? 25), 42);
    for (const s of stats) {
      // Costly inputs are listed, not failed: the CPU-time verdict belongs to `npm run fuzz`.
      for (const x of s.slow) console.log(`      ${s.property}: ${x.ms.toFixed(0)} ms CPU on ${x.size} chars`);
      assert.deepEqual(s.failures, [], s.property);
      assert.ok(s.runs > 0, `${s.property} ran`);
    }
  });

  it('the regex probe tells linear from quadratic and exponential patterns by growth', async () => {
    const site = (source: string) => ({ file: 'probe-check', line: 0, source, flags: '' });
    // The XXE rule's old whole-file pattern, an exponential classic and two linear ones.
    const [xxe, nested, plain, anchored] = await probeAll([site('XMLParser\\([^)]*resolve_entities\\s*=\\s*False'), site('^(a+)+$'), site('resolve_entities\\s*=\\s*False'), site('^\\s*#\\s*(\\w+)')]);
    assert.equal(xxe.superLinear, true, `quadratic: grew ${xxe.growth.toFixed(1)}x from n to 8n on ${xxe.worstInput}`);
    assert.equal(nested.superLinear, true, `exponential: grew ${nested.growth.toFixed(1)}x on ${nested.worstInput}`);
    assert.equal(plain.superLinear, false, `linear: grew ${plain.growth.toFixed(1)}x on ${plain.worstInput}`);
    assert.equal(anchored.superLinear, false, `linear: grew ${anchored.growth.toFixed(1)}x on ${anchored.worstInput}`);
  });

  it('no regular expression in the rules or the engine grows faster than linearly on attack input', async () => {
    const sites = await findRegexes();
    assert.ok(sites.length > 10, 'the probe finds the regexes');
    const bad = (await probeAll(sites)).filter((v) => v.superLinear);
    assert.deepEqual(bad.map((v) => `${v.file}:${v.line} /${v.source}/ grew ${v.growth.toFixed(0)}x (limit ${GROWTH_LIMIT}x) from n to 8n on ${v.worstInput}`), []);
  });
});
