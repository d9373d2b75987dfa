import * as vscode from 'vscode';
import type { HeaderProfile } from '../fixes/headers';
import type { GeneratorPlan } from '../fixes/plan';
import { confirmRestrictedDependencyCheck } from './restricted-mode';
import { parseReasonInput } from './suppress-input';

/**
 * The questions SiteWarden's commands ask the person at the screen. The commands get it from
 * `activate`; the e2e suite swaps in one that answers itself through the API `activate` returns
 * (`setPrompter`), so nothing in the extension reads a test switch from the environment.
 */
export interface Prompter {
  /**
   * Apply a generator's plan? `'preview'` hands the question to VS Code's refactor preview: every
   * file of the plan in one panel, applied or discarded there (what people at the screen get).
   */
  confirmPlan(plan: GeneratorPlan): Promise<boolean | 'preview'>;
  /** The profile of the security headers; undefined when dismissed. */
  headersProfile(): Promise<HeaderProfile | undefined>;
  /** Restricted Mode: check the dependencies against the user's own registries? */
  confirmRestrictedDependencyCheck(): Promise<boolean>;
  /**
   * Why a finding is suppressed (required), optionally ending in `until=YYYY-MM-DD`; undefined
   * when cancelled, and then nothing is written. Optional: VS Code's input box answers otherwise.
   */
  suppressionReason?(ruleId: string): Promise<string | undefined>;
  /** Checklist: who confirms (done / not applicable); VS Code's input box when absent. */
  checklistPerson?(): Promise<string | undefined>;
  /** Checklist: why an item does not apply (required); VS Code's input box when absent. */
  notApplicableReason?(itemTitle: string): Promise<string | undefined>;
  /** Checklist: an item's note ('' removes it, undefined cancels); VS Code's input box when absent. */
  checklistNote?(itemTitle: string, current: string | undefined): Promise<string | undefined>;
}

export const vscodePrompter: Prompter = {
  async confirmPlan() {
    return 'preview';
  },
  async headersProfile() {
    const pick = await vscode.window.showQuickPick(['production', 'development'], { placeHolder: 'Profile: development keeps plain-HTTP localhost working' });
    return pick === 'production' || pick === 'development' ? pick : undefined;
  },
  confirmRestrictedDependencyCheck,
  async suppressionReason(ruleId) {
    return vscode.window.showInputBox({
      title: `Suppress ${ruleId}`,
      prompt: 'Why is this finding acceptable here? Optionally end with until=YYYY-MM-DD: the finding comes back after that day.',
      placeHolder: 'e.g. input is a constant from our config until=2027-01-31',
      ignoreFocusOut: true,
      validateInput: (text) => {
        const r = parseReasonInput(text);
        return r.ok ? undefined : r.problem;
      },
    });
  },
};
