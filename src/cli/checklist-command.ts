import { parseArgs } from 'node:util';
import { checklistJson, checklistMarkdown, checklistText } from '../checklist/format';
import { runChecklist } from '../checklist/run';
import { ChecklistStateError } from '../checklist/state';
import { printable } from '../core/report/text';
import { allRules } from '../rules';
import { checkDependencies } from '../deps/check';

/** `sitewarden checklist [PATH] --format text|json|markdown`: exit 0, or 1 when an item fails. */
export async function checklistCommand(argv: string[], usage: (msg: string) => Error): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { format: { type: 'string', default: 'text' }, exclude: { type: 'string', multiple: true }, offline: { type: 'boolean', default: false }, 'npm-registry': { type: 'string' }, 'pypi-index': { type: 'string' } },
  });
  const format = values.format!;
  if (!['text', 'json', 'markdown'].includes(format)) throw usage(`--format must be text, json or markdown (got "${format}")`);
  if (positionals.length > 1) throw usage('checklist takes one PATH (a workspace root)');
  const root = positionals[0] ?? '.';
  // "Dependencies current" needs the registries; offline it stays unknown rather than passing.
  const deps = values.offline ? undefined : await checkDependencies([root], { npmRegistry: values['npm-registry'], pypiIndex: values['pypi-index'], env: process.env });
  let result;
  try {
    ({ result } = await runChecklist([root], { rules: allRules, exclude: values.exclude, deps: deps && { checked: true, incomplete: deps.incomplete, findings: deps.findings } }));
  } catch (e) {
    // A broken or refused state file is the repository's input, not a crash: say what is wrong.
    if (e instanceof ChecklistStateError) throw usage(printable(e.message));
    throw e;
  }
  const base = process.cwd();
  const out = format === 'json' ? JSON.stringify(checklistJson(result, base), null, 2) + '\n' : format === 'markdown' ? checklistMarkdown(result, base) : checklistText(result, base);
  process.stdout.write(out);
  return result.areas.some((a) => a.items.some((i) => i.status === 'fail')) ? 1 : 0;
}
