import { z } from 'zod';
import type { WebSocket, WebSocketServer } from 'ws';
import type { Transport } from '../../shared/api/register';
import type { Envelope } from '../../shared/api/errors';

/** A request frame from the renderer: `{ id, channel, payload }`. */
const RequestFrameSchema = z.strictObject({
  id: z.number().int().nonnegative(),
  channel: z.string().max(128),
  payload: z.unknown().optional(),
});

type Handler = (payload: unknown) => Promise<Envelope<unknown>>;

/**
 * The headless host's half of the API: answers request frames on authenticated sockets and
 * broadcasts events. Malformed frames get a VALIDATION error; the socket and the host stay up.
 */
export class WebSocketTransport implements Transport {
  private readonly handlers = new Map<string, Handler>();

  constructor(private readonly server: WebSocketServer) {}

  handle(channel: string, handler: Handler): void {
    this.handlers.set(channel, handler);
  }

  publish(event: string, payload: unknown): void {
    const frame = JSON.stringify({ event, payload });
    for (const client of this.server.clients) {
      if (client.readyState === client.OPEN) client.send(frame);
    }
  }

  /** Serves one socket that has already passed the token check. */
  attach(socket: WebSocket): void {
    socket.on('message', (data, isBinary) => {
      void this.answer(socket, isBinary ? null : data.toString());
    });
  }

  private async answer(socket: WebSocket, text: string | null): Promise<void> {
    let json: unknown;
    try {
      json = text === null ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    const frame = RequestFrameSchema.safeParse(json);
    if (!frame.success) {
      const id = typeof (json as { id?: unknown })?.id === 'number' ? (json as { id: number }).id : null;
      const field = frame.error.issues[0]?.path.join('.') || 'frame';
      reply(socket, id, { ok: false, error: { code: 'VALIDATION', message: `Malformed request frame: "${field}" is invalid.`, field } });
      return;
    }
    const { id, channel, payload } = frame.data;
    const handler = this.handlers.get(channel);
    if (!handler) {
      reply(socket, id, { ok: false, error: { code: 'VALIDATION', message: `Unknown API call "${channel}".`, field: 'channel' } });
      return;
    }
    reply(socket, id, await handler(payload));
  }
}

function reply(socket: WebSocket, id: number | null, envelope: Envelope<unknown>): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify({ id, ...envelope }));
}
