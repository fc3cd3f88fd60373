import { createApiClient, type SeedshipApi } from '../../shared/api/client';
import type { Envelope } from '../../shared/api/errors';
import { registerServices, type Transport } from '../../shared/api/register';
import type { AppServices } from '../services/app-services';

/**
 * The CLI's transport: in-process calls that still pass through the contract's validation,
 * so a script gets exactly the errors the UI gets.
 */
export function createDirectClient(app: AppServices): SeedshipApi {
  const handlers = new Map<string, (payload: unknown) => Promise<Envelope<unknown>>>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const transport: Transport = {
    handle: (channel, handler) => handlers.set(channel, handler),
    publish: (event, payload) => listeners.get(event)?.forEach((l) => l(payload)),
  };
  registerServices(transport, app.services, app.events, {
    onUnexpectedError: (channel, error) => app.logger.error(`API ${channel} failed`, error),
  });
  return createApiClient(
    async (channel, payload) => {
      const handler = handlers.get(channel);
      if (!handler) return { ok: false, error: { code: 'VALIDATION', message: `Unknown API call "${channel}".`, field: 'channel' } };
      return handler(payload);
    },
    (event, listener) => {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener);
      return () => set.delete(listener);
    },
  );
}
