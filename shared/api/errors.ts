/**
 * Typed errors that cross every transport (IPC, WebSocket, CLI) as plain data.
 * A handler never lets an exception escape: it answers `{ ok: false, error }`.
 */
export const ERROR_CODES = [
  'VALIDATION',
  'UNAUTHORIZED',
  'NOT_FOUND',
  'UNSAFE_DRIVE',
  'CONFLICT',
  'UNAVAILABLE',
  'CANCELLED',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** The wire shape of an error: a stable code, a sentence for people, and the field at fault. */
export interface ApiErrorData {
  code: ErrorCode;
  message: string;
  field?: string;
}

/** An error a service throws on purpose; its message is written for the operator. */
export class SeedshipError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;

  constructor(code: ErrorCode, message: string, field?: string) {
    super(message);
    this.name = 'SeedshipError';
    this.code = code;
    this.field = field;
  }

  toData(): ApiErrorData {
    return this.field === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, field: this.field };
  }
}

/** Turns anything thrown into wire data; unexpected errors keep no stack or internals. */
export function toApiErrorData(error: unknown): ApiErrorData {
  if (error instanceof SeedshipError) return error.toData();
  if (isApiErrorData(error)) return error;
  return { code: 'INTERNAL', message: 'Seedship hit an unexpected problem; the details are in its log.' };
}

export function isApiErrorData(value: unknown): value is ApiErrorData {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.message === 'string' &&
    typeof v.code === 'string' &&
    (ERROR_CODES as readonly string[]).includes(v.code) &&
    (v.field === undefined || typeof v.field === 'string')
  );
}

/** What every call answers on every transport. */
export type Envelope<T> = { ok: true; result: T } | { ok: false; error: ApiErrorData };
