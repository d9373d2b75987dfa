/**
 * "Only findings new since the baseline" in the editor (issue 17): the CLI's own baseline
 * matching (core/report/baseline.ts, fingerprints of core/report/fingerprint.ts), applied per
 * file to what a producer found, before the settings filter. Free of `vscode`.
 *
 * Fingerprints count identical lines per rule and file in report order, so each file's findings
 * are fingerprinted together, in the engine's order, as `sitewarden scan` does from the folder
 * root; findings below the minimum severity take part, as they do in the CLI.
 */
import * as path from 'node:path';
import { compareFindings } from '../core/engine';
import { compareWithBaseline, type BaselineEntry } from '../core/report/baseline';
import { stableFingerprints } from '../core/report/fingerprint';
import type { Finding } from '../core/types';

export type NewOnly = (found: readonly Finding[]) => Finding[];

/** `rootOf` gives the folder a file's path is taken relative to (the CLI's working directory). */
export function baselineFilter(entries: readonly BaselineEntry[], rootOf: (file: string) => string): NewOnly {
  return (found) => {
    const byFile = new Map<string, Finding[]>();
    for (const f of found) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f]);
    const fresh = new Set<Finding>();
    for (const [file, list] of byFile) {
      const ordered = [...list].sort(compareFindings);
      const fps = stableFingerprints(ordered, (f) => path.relative(rootOf(file), path.resolve(f.file)));
      const fpOf = new Map(ordered.map((f, i) => [f, fps[i]]));
      const c = compareWithBaseline(ordered, (f) => fpOf.get(f)!, entries);
      for (const f of ordered) if (c.stateOf(f) === 'new') fresh.add(f);
    }
    return found.filter((f) => fresh.has(f));
  };
}

/**
 * Where the baseline setting points: relative to the folder, and only inside it (a workspace
 * setting must not make the editor read files elsewhere); undefined when it leaves the folder.
 */
export function baselinePath(setting: string, root: string): string | undefined {
  if (!setting.trim()) return undefined;
  const p = path.resolve(root, setting);
  const rel = path.relative(root, p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? p : undefined;
}
