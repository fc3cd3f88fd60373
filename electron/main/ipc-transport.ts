import { BrowserWindow, ipcMain, type IpcMainInvokeEvent } from 'electron';
import type { Envelope } from '../../shared/api/errors';
import type { Transport } from '../../shared/api/register';
import { IPC_EVENT_CHANNEL } from '../../shared/api/bridge';
import { isAppUrl } from '../../shared/security/content-policy';


/**
 * Electron IPC as a transport. Every call is checked to come from the main frame of one of our own
 * windows showing our own origin; anything else is refused before a service sees it.
 */
export function createIpcTransport(onRefused: (channel: string, url: string) => void): Transport {
  return {
    handle(channel, handler) {
      ipcMain.handle(channel, async (event: IpcMainInvokeEvent, payload: unknown): Promise<Envelope<unknown>> => {
        if (!isTrustedSender(event)) {
          onRefused(channel, event.senderFrame?.url ?? '(gone)');
          return { ok: false, error: { code: 'UNAUTHORIZED', message: 'This window may not call Seedship.' } };
        }
        return handler(payload);
      });
    },
    publish(event, payload) {
      for (const window of BrowserWindow.getAllWindows()) {
        if (!window.isDestroyed()) window.webContents.send(IPC_EVENT_CHANNEL, event, payload);
      }
    },
  };
}

function isTrustedSender(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  if (!frame || frame !== event.sender.mainFrame) return false;
  return isAppUrl(frame.url);
}
