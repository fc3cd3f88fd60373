import { create } from 'zustand';
import type { VaultStatus, VaultTarget } from '../../shared/vault/vault-api';
import { api } from '../api';
import { errorText } from './error-text';

interface VaultState {
  status: VaultStatus | null;
  loading: boolean;
  error: string | null;
  /** The backup the page is about (the plan's job unless the operator names another). */
  target: VaultTarget;
  setTarget: (target: VaultTarget) => void;
  load: () => Promise<void>;
}

/** The Vault page's status: loaded on demand and again whenever a vault task ends (task events). */
export const useVaultStore = create<VaultState>((set, get) => ({
  status: null,
  loading: false,
  error: null,
  target: {},
  setTarget: (target) => set({ target }),
  load: async () => {
    set({ loading: true });
    try {
      set({ status: await api.vault.status(get().target), error: null });
    } catch (error) {
      set({ error: errorText(error) });
    } finally {
      set({ loading: false });
    }
  },
}));

api.on('task.changed', (task) => {
  if (task.kind === 'vault' && (task.status === 'succeeded' || task.status === 'failed' || task.status === 'cancelled')) void useVaultStore.getState().load();
});
