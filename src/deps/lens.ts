import type { PackageRow } from './check';

/**
 * The text shown above a dependency's line in its manifest after a check: what a reader of
 * the manifest wants at a glance (is it safe, is it current), in one short line.
 */
export function lensTitle(row: PackageRow): string {
  const version = row.installed ?? row.declared;
  const stale = row.stale ? ' (cached data)' : '';
  const latest = row.latest && row.latest !== row.installed ? ` · latest ${row.latest}` : '';
  switch (row.status) {
    case 'vulnerable': {
      // The project accepted every advisory (ignore list, line comment): say so rather than warn.
      if (row.accepted) return `${row.name} ${version}: ${row.advisories.length} known vulnerabilit${row.advisories.length === 1 ? 'y' : 'ies'}, accepted risk${latest}${stale}`;
      const ids = row.advisories.slice(0, 2).join(', ') + (row.advisories.length > 2 ? ` +${row.advisories.length - 2}` : '');
      return `$(warning) ${row.name} ${version} is vulnerable: ${ids}${latest}${stale}`;
    }
    case 'deprecated':
      return `$(warning) ${row.name} is deprecated${latest}${stale}`;
    case 'yanked':
      return `$(warning) ${row.name} ${version} was yanked${latest}${stale}`;
    case 'outdated':
      return `${row.name} ${version}${latest}${stale}`;
    case 'ok':
      return `$(check) ${row.name} ${version} is current, no known advisories${stale}`;
    case 'unchecked':
      return `${row.name}: not checked (${row.note?.replace(/^not checked: /, '') ?? 'not from a registry'})`;
    default:
      return `$(question) ${row.name}: could not be checked${row.note ? ` (${row.note})` : ''}`;
  }
}
