/**
 * "Update to the latest version" for a dependency line, as text: the version in the line is
 * replaced, its range operator kept (`^1.2.3` → `^4.0.1`, `==1.2` → `==4.0.1`). Only the plain
 * forms are rewritten (package.json string values, requirements/pyproject/Pipfile `name OP version`);
 * anything else (git URLs, tags, several clauses, markers) gets no bump rather than a wrong one.
 * Free of `vscode`.
 */

const VERSION = /^\d+(?:\.\d+)*(?:[-.+]?[0-9A-Za-z.+-]*)?$/;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The line with `name`'s version set to `latest`, or undefined when the line is not one of the plain forms. */
export function bumpedLine(line: string, name: string, latest: string, manifest: string): string | undefined {
  if (!VERSION.test(latest)) return undefined;
  const n = escapeRegExp(name);
  if (/package\.json$/i.test(manifest)) {
    const m = new RegExp(`^(\\s*"${n}"\\s*:\\s*")([~^]|>=|=)?(\\d[^"\\s]*)(".*)$`).exec(line);
    if (!m || !VERSION.test(m[3])) return undefined;
    return `${m[1]}${m[2] ?? ''}${latest}${m[4]}`;
  }
  // requirements*.txt, pyproject.toml (PEP 621 strings, Poetry tables), Pipfile: one clause only.
  const pep = new RegExp(`^(\\s*"?${n}(?:\\[[^\\]]*\\])?\\s*)(==|>=|~=|===)(\\s*)(\\d[\\w.+!-]*)((?:"\\s*,?)?\\s*(?:#.*)?)$`, 'i').exec(line);
  if (pep) return `${pep[1]}${pep[2]}${pep[3]}${latest}${pep[5]}`;
  const poetry = new RegExp(`^(\\s*${n}\\s*=\\s*")([~^]|==|>=)?(\\d[\\w.+!-]*)("\\s*(?:#.*)?)$`, 'i').exec(line);
  if (poetry) return `${poetry[1]}${poetry[2] ?? ''}${latest}${poetry[4]}`;
  return undefined;
}
