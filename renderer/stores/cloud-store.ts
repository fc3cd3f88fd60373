import { create } from 'zustand';
import type { CloudStatus, DeviceCodePrompt, SignInMethod } from '../../shared/api/contract';
import { api } from '../api';
import { errorText } from './error-text';

interface CloudState {
  status: CloudStatus | null;
  /** The device code to enter while a device-code sign-in waits. */
  prompt: DeviceCodePrompt | null;
  signingIn: boolean;
  error: string | null;
  load: () => Promise<void>;
  signIn: (method?: SignInMethod) => Promise<void>;
  cancel: () => Promise<void>;
  signOut: () => Promise<void>;
}

export const useCloudStore = create<CloudState>((set, get) => ({
  status: null,
  prompt: null,
  signingIn: false,
  error: null,
  load: async () => {
    try {
      set({ status: await api.cloud.status({}), error: null });
    } catch (error) {
      set({ error: errorText(error) });
    }
  },
  signIn: async (method) => {
    set({ signingIn: true, error: null, prompt: null });
    try {
      await api.auth.signIn(method ? { method } : {});
      set({ signingIn: false, prompt: null });
      await get().load();
    } catch (error) {
      set({ signingIn: false, prompt: null, error: errorText(error) });
    }
  },
  cancel: async () => {
    await api.auth.cancelSignIn({});
  },
  signOut: async () => {
    try {
      set({ status: await api.auth.signOut({}), error: null });
    } catch (error) {
      set({ error: errorText(error) });
    }
  },
}));

api.on('auth.deviceCode', (prompt) => useCloudStore.setState({ prompt }));
api.on('cloud.changed', (status) => useCloudStore.setState({ status }));
