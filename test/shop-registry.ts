import type { BulkAdvisory, FixtureData } from './fixture-registry';

/**
 * Registry data for the "shop" fixture app (test/fixtures/lockfiles/shop): packuments with the
 * dependencies npm reads, and advisories shaped as the bulk endpoint answers. The advisory ids,
 * titles and ranges are fixture data modelled on the real ones (qs, lodash, minimist), not a copy
 * of the advisory database; the ms advisory's range is made up so that a nested copy is hit.
 */
const versions = (name: string, list: Record<string, Record<string, string>>, base: string) =>
  Object.fromEntries(Object.entries(list).map(([v, deps]) => [v, { name, version: v, dependencies: deps, dist: { tarball: `${base}/${name}/-/${name}-${v}.tgz`, shasum: '0'.repeat(40) } }]));

export function shopData(base: string): FixtureData {
  const pk = (name: string, list: Record<string, Record<string, string>>, latest: string) => ({ name, 'dist-tags': { latest }, versions: versions(name, list, base) });
  const advisories: Record<string, BulkAdvisory[]> = {
    qs: [{ id: 1100001, url: 'https://github.com/advisories/GHSA-hrpp-h998-j3pp', title: 'qs vulnerable to Prototype Pollution', severity: 'high', vulnerable_versions: '>=6.5.0 <6.5.3', cwe: ['CWE-1321'] }],
    lodash: [{ id: 1100002, url: 'https://github.com/advisories/GHSA-p6mc-m468-83gw', title: 'Prototype Pollution in lodash', severity: 'high', vulnerable_versions: '<4.17.19', cwe: ['CWE-1321'] }],
    minimist: [{ id: 1100003, url: 'https://github.com/advisories/GHSA-vh95-rmgr-6w4m', title: 'Prototype Pollution in minimist', severity: 'moderate', vulnerable_versions: '<0.2.1', cwe: ['CWE-1321'] }],
    ms: [{ id: 1100004, url: 'https://github.com/advisories/GHSA-0000-fixt-ms00', title: 'Regular expression denial of service in ms (fixture)', severity: 'moderate', vulnerable_versions: '<2.1.0', cwe: ['CWE-1333'] }],
  };
  return {
    advisories,
    packuments: {
      express: pk('express', { '4.16.0': { 'body-parser': '1.18.2', debug: '2.6.9', qs: '~6.5.1' }, '4.21.2': { 'body-parser': '1.20.3', debug: '2.6.9', qs: '6.13.0' } }, '4.21.2'),
      'body-parser': pk('body-parser', { '1.18.2': { debug: '2.6.9', qs: '~6.5.1' }, '1.20.3': { debug: '2.6.9', qs: '6.13.0' } }, '1.20.3'),
      debug: pk('debug', { '2.6.9': { ms: '2.0.0' } }, '2.6.9'),
      ms: pk('ms', { '2.0.0': {}, '2.1.3': {} }, '2.1.3'),
      qs: pk('qs', { '6.5.1': {}, '6.5.3': {}, '6.13.0': {} }, '6.13.0'),
      lodash: pk('lodash', { '4.17.15': {}, '4.17.21': {} }, '4.17.21'),
      mkdirp: pk('mkdirp', { '0.5.1': { minimist: '0.0.8' }, '0.5.6': { minimist: '^1.2.6' } }, '0.5.6'),
      minimist: pk('minimist', { '0.0.8': {}, '0.2.4': {}, '1.2.8': {} }, '1.2.8'),
    },
  };
}
