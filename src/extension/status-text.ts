/**
 * The status bar's words, free of `vscode` so plain tests hold them: "not checked yet" until the
 * first check of any kind (a zero before anything ran reads as "all clear"), then the code and
 * dependency findings the editor shows.
 */
import type { Finding } from '../core/types';

export interface StatusInput {
  /** Whether anything was checked yet: an open document, an audit (or the one kept from the last session), a dependency check. */
  checked: boolean;
  code: readonly Finding[];
  dependencies: readonly Finding[];
}

const serious = (f: Finding) => f.severity === 'high' || f.severity === 'critical';

export function statusText(s: StatusInput): { text: string; tooltip: string } {
  if (!s.checked) return { text: '$(shield) not checked yet', tooltip: 'SiteWarden has not checked anything yet: open a file, or run Audit Workspace or Check Dependencies' };
  const code = s.code.filter((f) => !f.suppression);
  const deps = s.dependencies.filter((f) => !f.suppression);
  const high = [...code, ...deps].filter(serious).length;
  const other = code.length + deps.length - high;
  return {
    text: `$(shield) ${high} high · ${other} other`,
    tooltip: `SiteWarden: ${code.length} code finding${code.length === 1 ? '' : 's'}, ${deps.length} dependency finding${deps.length === 1 ? '' : 's'}: open the sidebar`,
  };
}
