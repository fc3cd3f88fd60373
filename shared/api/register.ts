import { contract, eventContract, EVENT_NAMES, type Services } from './contract';
import type { EventHub } from './event-hub';
import { SeedshipError, toApiErrorData, type Envelope } from './errors';
import { parseOrThrow } from './validation';

/** What a transport offers: a way to answer calls on a channel and to push events. */
export interface Transport {
  /** Registers the handler for one channel; the handler never throws. */
  handle(channel: string, handler: (payload: unknown) => Promise<Envelope<unknown>>): void;
  /** Sends an event to every connected client. */
  publish(event: string, payload: unknown): void;
}

export interface RegisterOptions {
  /** Called with unexpected (non-Seedship) errors so they reach the log; never shown to clients. */
  onUnexpectedError?: (channel: string, error: unknown) => void;
}

/**
 * Binds every service method and event of the contract to a transport. Inputs are validated against
 * the contract before a service sees them, outputs before a client does; any failure becomes a typed
 * error envelope. Returns a function that stops forwarding events.
 */
export function registerServices(
  transport: Transport,
  services: Services,
  events: EventHub,
  options: RegisterOptions = {},
): () => void {
  for (const [serviceName, methods] of Object.entries(contract)) {
    for (const [methodName, spec] of Object.entries(methods)) {
      const channel = `${serviceName}.${methodName}`;
      const service = (services as unknown as Record<string, Record<string, (input: unknown) => Promise<unknown>>>)[
        serviceName
      ];
      const impl = service?.[methodName];
      if (typeof impl !== 'function') throw new Error(`No implementation for ${channel}`);
      transport.handle(channel, async (payload) => {
        try {
          const input = parseOrThrow(spec.input, payload ?? {}, channel);
          const output = await impl.call(service, input);
          const checked = spec.output.safeParse(output);
          if (!checked.success) {
            options.onUnexpectedError?.(channel, checked.error);
            throw new SeedshipError('INTERNAL', `${channel} produced an answer that breaks its contract.`);
          }
          return { ok: true, result: checked.data };
        } catch (error) {
          if (!(error instanceof SeedshipError)) options.onUnexpectedError?.(channel, error);
          return { ok: false, error: toApiErrorData(error) };
        }
      });
    }
  }
  const unsubscribers = EVENT_NAMES.map((name) =>
    events.on(name, (payload) => {
      const checked = eventContract[name].safeParse(payload);
      if (checked.success) transport.publish(name, checked.data);
      else options.onUnexpectedError?.(name, checked.error);
    }),
  );
  return () => unsubscribers.forEach((off) => off());
}
