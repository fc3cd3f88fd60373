import { useEffect, useRef } from 'react';
import { usePlanStore, type PlanPatch } from '../../stores/plan-store';

const DELAY_MS = 700;

/**
 * Saves a step's values shortly after the operator stops typing, so a closed app loses nothing even
 * before Next. `patch` is null while a value breaks a rule: a draft is saved only when valid.
 */
export function useAutosave(patch: PlanPatch | null): void {
  const save = usePlanStore((s) => s.save);
  const text = patch === null ? null : JSON.stringify(patch);
  const last = useRef(text);
  useEffect(() => {
    if (text === null || text === last.current) return;
    const timer = setTimeout(() => {
      last.current = text;
      void save(JSON.parse(text) as PlanPatch);
    }, DELAY_MS);
    return () => clearTimeout(timer);
  }, [text, save]);
}
