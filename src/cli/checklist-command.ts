import { parseArgs } from 'node:util';
import { checklistJson, checklistMarkdown, checklistText } from '../checklist/format';
import { runChecklist } from '../checklist/run';
import { allRules } from '../rules';

/** `sitewarden checklist [PATH] --format text|json|markdown`: exit 0, or 1 when an item fails. */
export async function checklistCommand(argv: string[], usage: (msg: string) => Error): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { format: { type: 'string', default: 'text' }, exclude: { type: 'string', multiple: true } },
  });
  const format = values.format!;
  if (!['text', 'json', 'markdown'].includes(format)) throw usage(`--format must be text, json or markdown (got "${format}")`);
  if (positionals.length > 1) throw usage('checklist takes one PATH (a workspace root)');
  const root = positionals[0] ?? '.';
  const { result } = await runChecklist([root], { rules: allRules, exclude: values.exclude });
  const base = process.cwd();
  const out = format === 'json' ? JSON.stringify(checklistJson(result, base), null, 2) + '\n' : format === 'markdown' ? checklistMarkdown(result, base) : checklistText(result, base);
  process.stdout.write(out);
  return result.areas.some((a) => a.items.some((i) => i.status === 'fail')) ? 1 : 0;
}
