import { create } from 'zustand';
import type { ConnectionState } from '../transport/websocket-client';

/** Whether the UI can reach Seedship's services (always 'open' inside Electron). */
export const useConnectionStore = create<{ state: ConnectionState }>(() => ({ state: 'connecting' }));
