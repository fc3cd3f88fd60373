import { RetentionSchema, type Retention } from '../../../shared/backup/plan';

/**
 * Typing-time rules of the wizard that shared/ has no function for. Like the naming rules, each
 * returns why a value can't be used, in words that name the field, or null.
 */

/** A full local path (`/home/op/docs`, `D:\Data`) or a network share: the backup reads it later, unattended. */
export function fullPathProblem(path: string, what: string, example = '/home/operator/documents or D:\\Data'): string | null {
  if (path.trim() === '') return `Enter the ${what}.`;
  if (path.length > 4096) return `The ${what} is too long (at most 4096 characters).`;
  if (path.includes('\0')) return `The ${what} contains a NUL character.`;
  const full = path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path) || /^\\\\[^\\/]+[\\/][^\\/]+/.test(path);
  if (!full) return `The ${what} must be a full path (like ${example}), not "${path}".`;
  return null;
}

/** A source folder: a full path not already in the list. */
export function sourceProblem(path: string, sources: readonly string[]): string | null {
  const problem = fullPathProblem(path, 'folder to back up');
  if (problem) return problem;
  if (sources.includes(path.trim())) return `The folder ${path.trim()} is already in the list.`;
  return null;
}

/** A backup time: HH:MM on a 24-hour clock, as MARS schedules take it. */
export function timeProblem(time: string, index: number): string | null {
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(time)) return `Write backup time ${index + 1} as HH:MM on a 24-hour clock, like 21:00.`;
  return null;
}

export const RETENTION_WORDS: Record<keyof Retention, { label: string; noun: string }> = {
  daily: { label: 'Daily backups to keep', noun: 'daily' },
  weekly: { label: 'Weekly backups to keep', noun: 'weekly' },
  monthly: { label: 'Monthly backups to keep', noun: 'monthly' },
};

/** A retention count: a whole number within the plan schema's bounds (MARS's limits). */
export function retentionProblem(kind: keyof Retention, text: string): string | null {
  const max = (RetentionSchema.shape[kind].maxValue ?? 9999) as number;
  if (!/^\d+$/.test(text.trim()) || Number(text) > max) return `Keep 0 to ${max} ${RETENTION_WORDS[kind].noun} backups: a whole number.`;
  return null;
}
