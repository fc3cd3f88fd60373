import { createApiClient, type SeedshipApi } from '../shared/api/client';
import type { SeedshipBridge } from '../shared/api/bridge';
import { useConnectionStore } from './stores/connection-store';
import { createWebSocketClient } from './transport/websocket-client';

declare global {
  interface Window {
    /** Present only inside Electron, set by the preload. */
    seedship?: SeedshipBridge;
  }
}

/**
 * The one typed API the pages use. Inside Electron it rides the preload bridge; in a browser
 * served by the headless host it rides the host's WebSocket. Pages can't tell the difference.
 */
function connect(): SeedshipApi {
  const bridge = window.seedship;
  if (bridge) {
    useConnectionStore.setState({ state: 'open' });
    return createApiClient(
      (channel, payload) => bridge.call(channel, payload),
      (event, listener) => bridge.on(event, listener),
    );
  }
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const client = createWebSocketClient(`${scheme}://${location.host}/api`, (state) => useConnectionStore.setState({ state }));
  return createApiClient(client.call, client.subscribe);
}

export const api: SeedshipApi = connect();
