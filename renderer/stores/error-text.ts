import { SeedshipError } from '../../shared/api/errors';

/** The operator-facing text of anything a call threw. */
export function errorText(error: unknown): string {
  if (error instanceof SeedshipError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

/** The field a validation error names, if any. */
export function errorField(error: unknown): string | undefined {
  return error instanceof SeedshipError ? error.field : undefined;
}
