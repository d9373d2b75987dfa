import { parseArgs } from 'node:util';
import { planEncryptionHelper } from '../fixes/encryption';
import { planFingerprintCheck } from '../fixes/fingerprint';
import { GeneratorError, planSecurityHeaders } from '../fixes/headers';
import { planIncidentResponse } from '../fixes/incident-response';
import { applyPlan, planDiff, PlanConflictError, type GeneratorPlan } from '../fixes/plan';
import type { Framework } from '../fixes/project';
import { printable } from '../core/report/text';

const WHAT = ['headers', 'encryption', 'fingerprint', 'incident-response'] as const;

/**
 * `sitewarden generate headers|encryption|fingerprint|incident-response [PATH]`: prints the
 * preview diff, then writes it unless --dry-run. Exit 0 done (or nothing to do), 2 on errors.
 */
export async function generateCommand(argv: string[], usage: (msg: string) => Error): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      framework: { type: 'string' },
      profile: { type: 'string', default: 'production' },
      language: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
    },
  });
  const [what, root = '.'] = positionals;
  if (!WHAT.includes(what as (typeof WHAT)[number])) throw usage(`generate needs one of: ${WHAT.join(', ')}`);
  const framework = values.framework as Framework | undefined;
  if (framework && !['flask', 'django', 'express'].includes(framework)) throw usage('--framework must be flask, django or express');
  if (!['production', 'development'].includes(values.profile!)) throw usage('--profile must be production or development');
  if (values.language && !['python', 'node'].includes(values.language)) throw usage('--language must be python or node');
  let plan: GeneratorPlan;
  try {
    if (what === 'headers') plan = await planSecurityHeaders(root, { framework, profile: values.profile as 'production' | 'development' });
    else if (what === 'encryption') plan = planEncryptionHelper(root, { language: values.language as 'python' | 'node' | undefined });
    else if (what === 'fingerprint') plan = await planFingerprintCheck(root, { framework });
    else plan = planIncidentResponse(root);
  } catch (e) {
    // Refusals name repository files: escaped, a file name cannot drive the terminal.
    if (e instanceof GeneratorError) throw usage(printable(e.message));
    throw e;
  }
  if (plan.changes.length === 0) {
    process.stdout.write(`${plan.title}: nothing to change.\n${plan.notes.map((n) => `note: ${n}\n`).join('')}`);
    return 0;
  }
  process.stdout.write(planDiff(plan, root));
  if (!values['dry-run']) {
    try {
      const written = applyPlan(plan);
      process.stdout.write(`\n${plan.title}: wrote ${written.length} file(s).\n`);
    } catch (e) {
      if (e instanceof PlanConflictError) throw usage(printable(e.message));
      throw e;
    }
  } else {
    process.stdout.write(`\n${plan.title}: dry run, nothing written.\n`);
  }
  for (const n of plan.notes) process.stdout.write(`note: ${n}\n`);
  return 0;
}
