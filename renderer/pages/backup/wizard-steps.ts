import type { Plan } from '../../../shared/backup/plan';

/** The wizard's steps, in MARS's order (Schedule Backup wizard + offline backup's own-disk details). */
export const WIZARD_STEPS = [
  { step: 1, title: 'Items to back up' },
  { step: 2, title: 'Schedule and retention' },
  { step: 3, title: 'Encryption' },
  { step: 4, title: 'Initial backup type' },
  { step: 5, title: 'Offline details' },
  { step: 6, title: 'Sign in to Azure' },
  { step: 7, title: 'Confirmation' },
] as const;

export const LAST_STEP = WIZARD_STEPS.length;

/** Offline details and the Azure step only apply to a transfer on the operator's own disks. */
export function stepApplies(step: number, plan: Plan): boolean {
  return plan.initialBackup === 'own-disks' || (step !== 5 && step !== 6);
}

/** The step after `step` that applies to this plan. */
export function nextStep(step: number, plan: Plan): number {
  let next = step + 1;
  while (next < LAST_STEP && !stepApplies(next, plan)) next += 1;
  return Math.min(next, LAST_STEP);
}

export function previousStep(step: number, plan: Plan): number {
  let previous = step - 1;
  while (previous > 1 && !stepApplies(previous, plan)) previous -= 1;
  return Math.max(previous, 1);
}

/** The step to show: the saved one, within the wizard (the schema allows one past the end). */
export function currentStep(plan: Plan): number {
  return Math.min(Math.max(plan.step, 1), LAST_STEP);
}
