import * as semver from 'semver';

/** How a package.json version spec is checked. */
export interface NpmSpecForm {
  /** The package the registry is asked about (an `npm:` alias names another one). */
  registryName?: string;
  /** The semver range or dist-tag to check, and where it starts inside the spec (for edits). */
  range: string;
  rangeOffset: number;
  /** A dist-tag (`latest`, `next`): resolved from the registry (`latest`) or the lockfile. */
  tag?: string;
  /** The version comes from elsewhere (pnpm catalog): checked only when a lockfile pins it. */
  needsLock?: string;
  /** Never a registry version: why (git, a path, a URL, a workspace package). */
  local?: string;
}

/**
 * Classifies a spec the way npm reads it (npm-package-arg), without throwing: anything that is
 * not a registry range becomes a reason to report the package as not checked. `latest`, other
 * dist-tags, `*`, `x` ranges and `npm:` aliases are registry specs.
 */
export function npmSpecForm(spec: string): NpmSpecForm {
  const s = spec.trim();
  if (s.startsWith('npm:')) {
    const m = /^npm:((?:@[^/@\s]+\/)?[^@\s]+)(?:@(.*))?$/.exec(s);
    if (!m) return { range: s, rangeOffset: 0, local: `an npm: alias that names no package (${s})` };
    const inner = npmSpecForm(m[2] ?? '*');
    return { ...inner, registryName: m[1], rangeOffset: m[2] === undefined ? s.length : `npm:${m[1]}@`.length + inner.rangeOffset };
  }
  if (s.startsWith('workspace:')) return { range: s, rangeOffset: 0, local: 'a workspace package (its own package.json is checked)' };
  if (s.startsWith('catalog:')) return { range: s, rangeOffset: 0, needsLock: 'a pnpm catalog: version (set in pnpm-workspace.yaml) and no lockfile pins it' };
  if (/^(git\+[a-z]+:|git:|github:|gitlab:|bitbucket:|gist:)/i.test(s) || /^[\w.-]+\/[\w.-]+(#.*)?$/.test(s)) return { range: s, rangeOffset: 0, local: `a git dependency (${s})` };
  if (/^https?:/i.test(s)) return { range: s, rangeOffset: 0, local: `a URL or tarball (${s})` };
  if (/^(file:|link:|\.{1,2}\/|\/|~\/)/.test(s) || /\.(tgz|tar\.gz|tar)$/i.test(s)) return { range: s, rangeOffset: 0, local: `a local path (${s})` };
  const offset = spec.length - spec.trimStart().length;
  if (s === '' || semver.validRange(s)) return { range: s || '*', rangeOffset: offset };
  // npm's tag names: anything that is not a range, a URL or a path.
  if (/^[A-Za-z][\w.-]*$/.test(s)) return { range: s, rangeOffset: offset, tag: s, ...(s === 'latest' ? {} : { needsLock: `the dist-tag "${s}" and no lockfile pins it` }) };
  return { range: s, rangeOffset: offset, needsLock: `not a version range (${s}) and no lockfile pins it` };
}
