import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { CHANNELS, EVENT_NAMES } from '../../shared/api/contract';
import { IPC_EVENT_CHANNEL, type SeedshipBridge } from '../../shared/api/bridge';
import type { Envelope } from '../../shared/api/errors';

const allowedChannels = new Set(CHANNELS);
const allowedEvents = new Set<string>(EVENT_NAMES);

/**
 * `window.seedship`: calls limited to the contract's channels and events without Electron's event
 * object. No ipcRenderer, no Node, nothing else crosses the bridge.
 */
const bridge: SeedshipBridge = {
  call(channel: string, payload: unknown): Promise<Envelope<unknown>> {
    if (!allowedChannels.has(channel)) {
      return Promise.resolve({ ok: false, error: { code: 'VALIDATION', message: `Unknown API call "${channel}".`, field: 'channel' } });
    }
    return ipcRenderer.invoke(channel, payload) as Promise<Envelope<unknown>>;
  },
  on(event: string, listener: (payload: unknown) => void): () => void {
    if (!allowedEvents.has(event)) return () => undefined;
    const relay = (_e: IpcRendererEvent, name: string, payload: unknown) => {
      if (name === event) listener(payload);
    };
    ipcRenderer.on(IPC_EVENT_CHANNEL, relay);
    return () => ipcRenderer.removeListener(IPC_EVENT_CHANNEL, relay);
  },
};

contextBridge.exposeInMainWorld('seedship', bridge);
