import { create } from 'zustand';
import type { AppInfo, Settings } from '../../shared/api/contract';
import { api } from '../api';
import { errorField, errorText } from './error-text';

interface SettingsState {
  settings: Settings | null;
  info: AppInfo | null;
  /** Errors from the last save, by field ('form' when no field is named). */
  errors: Record<string, string>;
  saving: boolean;
  load: () => Promise<void>;
  update: (patch: Partial<Settings>) => Promise<boolean>;
}

export const useSettingsStore = create<SettingsState>((set) => ({
  settings: null,
  info: null,
  errors: {},
  saving: false,
  load: async () => {
    try {
      const [settings, info] = await Promise.all([api.settings.get({}), api.app.info({})]);
      set({ settings, info });
    } catch (error) {
      set({ errors: { form: errorText(error) } });
    }
  },
  update: async (patch) => {
    set({ saving: true, errors: {} });
    try {
      set({ settings: await api.settings.update(patch), saving: false });
      return true;
    } catch (error) {
      set({ errors: { [errorField(error) ?? 'form']: errorText(error) }, saving: false });
      return false;
    }
  },
}));

api.on('settings.changed', (settings) => useSettingsStore.setState({ settings }));
