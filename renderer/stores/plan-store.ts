import { create } from 'zustand';
import type { Plan } from '../../shared/backup/plan';
import type { SeedshipApi } from '../../shared/api/client';
import { api } from '../api';
import { errorField, errorText } from './error-text';

/** What `plan.save` accepts: any subset of the operator's choices (the service owns the rest). */
export type PlanPatch = Parameters<SeedshipApi['plan']['save']>[0];

export interface PlanError {
  message: string;
  field?: string;
}

interface PlanState {
  plan: Plan | null;
  saving: boolean;
  /** The last failed load or save, with the field the service named. */
  error: PlanError | null;
  load: () => Promise<void>;
  /** Saves a draft without moving; resolves to whether the service accepted it. */
  save: (patch: PlanPatch) => Promise<boolean>;
  /** Saves the step's values together with the step to show, so a reopened app resumes there. */
  goTo: (step: number, patch?: PlanPatch) => Promise<boolean>;
  /** Takes a plan the service returned from another call (setPassphrase, prepareAzure). */
  accept: (plan: Plan) => void;
  clearError: () => void;
}

function problem(error: unknown): PlanError {
  const field = errorField(error);
  return field === undefined ? { message: errorText(error) } : { message: errorText(error), field };
}

/** The backup plan the wizard edits: loaded once, saved at every step change, kept current by `plan.changed`. */
export const usePlanStore = create<PlanState>((set) => ({
  plan: null,
  saving: false,
  error: null,
  load: async () => {
    try {
      set({ plan: await api.plan.get({}), error: null });
    } catch (error) {
      set({ error: problem(error) });
    }
  },
  save: async (patch) => {
    try {
      set({ plan: await api.plan.save(patch), error: null });
      return true;
    } catch (error) {
      set({ error: problem(error) });
      return false;
    }
  },
  goTo: async (step, patch = {}) => {
    set({ saving: true });
    try {
      set({ plan: await api.plan.save({ ...patch, step }), saving: false, error: null });
      return true;
    } catch (error) {
      set({ saving: false, error: problem(error) });
      return false;
    }
  },
  accept: (plan) => set({ plan, error: null }),
  clearError: () => set({ error: null }),
}));

api.on('plan.changed', (plan) => usePlanStore.setState({ plan }));
