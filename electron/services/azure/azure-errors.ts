import { SeedshipError, type ErrorCode } from '../../../shared/api/errors';

interface RestErrorLike {
  name?: string;
  statusCode?: number;
  code?: string;
  message?: string;
  details?: unknown;
}

/** The `{error:{code,message}}` body ARM and Graph answer with, wherever the SDK put it. */
function armError(error: RestErrorLike): { code?: string; message?: string } {
  const details = error.details as { error?: { code?: string; message?: string } } | undefined;
  return details?.error ?? { code: error.code, message: error.message };
}

/**
 * Turns an Azure SDK failure into a SeedshipError whose message is Azure's own explanation, with the
 * service's error code in brackets so the operator can search for it.
 */
export function azureError(error: unknown, doing: string): SeedshipError {
  if (error instanceof SeedshipError) return error;
  const e = (error ?? {}) as RestErrorLike;
  const { code, message } = armError(e);
  const status = e.statusCode;
  let kind: ErrorCode = 'UNAVAILABLE';
  if (status === 400 || status === 422) kind = 'VALIDATION';
  else if (status === 401 || status === 403) kind = 'UNAUTHORIZED';
  else if (status === 404) kind = 'NOT_FOUND';
  else if (status === 409) kind = 'CONFLICT';
  if (status === undefined) {
    const why = (e.message ?? String(error)).split('\n')[0];
    return new SeedshipError('UNAVAILABLE', `Couldn’t reach Azure while ${doing}: ${why}`);
  }
  const text = (message ?? 'no details').trim().replace(/\.$/, '');
  return new SeedshipError(kind, `Azure refused ${doing}: ${text}.${code ? ` (${code})` : ''}`);
}
