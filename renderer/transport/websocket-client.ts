import type { CallFn, SubscribeFn } from '../../shared/api/client';
import type { ApiErrorData, Envelope } from '../../shared/api/errors';

export type ConnectionState = 'connecting' | 'open' | 'closed';

interface Pending {
  resolve: (envelope: Envelope<unknown>) => void;
}

/**
 * The browser's half of the headless host's API: one WebSocket (authenticated by the session
 * cookie), request ids matched to answers, events fanned out to listeners, and reconnects with
 * back-off when the host restarts.
 */
export function createWebSocketClient(url: string, onState: (state: ConnectionState) => void): { call: CallFn; subscribe: SubscribeFn } {
  let socket: WebSocket | null = null;
  let nextId = 1;
  let retryMs = 500;
  const pending = new Map<number, Pending>();
  const queue: string[] = [];
  const listeners = new Map<string, Set<(payload: unknown) => void>>();

  const connect = () => {
    onState('connecting');
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      retryMs = 500;
      onState('open');
      for (const frame of queue.splice(0)) ws.send(frame);
    };
    ws.onmessage = (message) => dispatch(String(message.data));
    ws.onclose = () => {
      onState('closed');
      for (const [id, p] of pending) {
        p.resolve({ ok: false, error: { code: 'UNAVAILABLE', message: 'Lost the connection to Seedship; trying again.' } });
        pending.delete(id);
      }
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 10_000);
    };
  };

  const dispatch = (text: string) => {
    let frame: { id?: number; event?: string; payload?: unknown; ok?: boolean; result?: unknown; error?: ApiErrorData };
    try {
      frame = JSON.parse(text) as typeof frame;
    } catch {
      return;
    }
    if (typeof frame.event === 'string') {
      listeners.get(frame.event)?.forEach((listener) => listener(frame.payload));
      return;
    }
    if (typeof frame.id === 'number') {
      const p = pending.get(frame.id);
      pending.delete(frame.id);
      p?.resolve(
        frame.ok === true
          ? { ok: true, result: frame.result }
          : { ok: false, error: frame.error ?? { code: 'INTERNAL', message: 'Malformed answer from Seedship.' } },
      );
    }
  };

  connect();

  return {
    call: (channel, payload) =>
      new Promise((resolve) => {
        const id = nextId++;
        pending.set(id, { resolve });
        const frame = JSON.stringify({ id, channel, payload });
        if (socket?.readyState === WebSocket.OPEN) socket.send(frame);
        else queue.push(frame);
      }),
    subscribe: (event, listener) => {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener);
      return () => set.delete(listener);
    },
  };
}
