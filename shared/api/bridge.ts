import type { Envelope } from './errors';

/** The IPC channel that carries events from main to renderer; requests use `service.method` channels. */
export const IPC_EVENT_CHANNEL = 'seedship:event';

/** What the preload exposes as `window.seedship` in Electron: calls and events, nothing more. */
export interface SeedshipBridge {
  call(channel: string, payload: unknown): Promise<Envelope<unknown>>;
  on(event: string, listener: (payload: unknown) => void): () => void;
}
