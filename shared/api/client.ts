import { contract, EVENT_NAMES, type EventName, type EventOf, type SeedshipClient } from './contract';
import { isApiErrorData, SeedshipError, type Envelope } from './errors';

export type CallFn = (channel: string, payload: unknown) => Promise<Envelope<unknown>>;
export type SubscribeFn = (event: string, listener: (payload: unknown) => void) => () => void;

export interface SeedshipApi extends SeedshipClient {
  /** Subscribes to an event; returns the function that unsubscribes. */
  on<K extends EventName>(event: K, listener: (payload: EventOf<K>) => void): () => void;
}

/**
 * Builds the typed API over any transport: `api.drives.list({})` becomes `call('drives.list', {})`.
 * An error envelope is thrown as a SeedshipError carrying its code and field.
 */
export function createApiClient(call: CallFn, subscribe: SubscribeFn): SeedshipApi {
  const api: Record<string, unknown> = {};
  for (const [serviceName, methods] of Object.entries(contract)) {
    const service: Record<string, (input: unknown) => Promise<unknown>> = {};
    for (const methodName of Object.keys(methods)) {
      const channel = `${serviceName}.${methodName}`;
      service[methodName] = async (input: unknown) => {
        const envelope = await call(channel, input ?? {});
        if (envelope.ok) return envelope.result;
        const error = isApiErrorData(envelope.error)
          ? envelope.error
          : { code: 'INTERNAL' as const, message: 'Malformed error from Seedship.' };
        throw new SeedshipError(error.code, error.message, error.field);
      };
    }
    api[serviceName] = service;
  }
  api.on = (event: EventName, listener: (payload: unknown) => void) => {
    if (!EVENT_NAMES.includes(event)) throw new SeedshipError('VALIDATION', `Unknown event "${event}".`, 'event');
    return subscribe(event, listener);
  };
  return api as unknown as SeedshipApi;
}
