import { create } from 'zustand';
import type { DriveList } from '../../shared/drives/drive';
import { api } from '../api';
import { errorText } from './error-text';

interface DrivesState {
  list: DriveList | null;
  loading: boolean;
  error: string | null;
  load: () => Promise<void>;
}

/** The drive list: fetched once, then kept current by `drives.changed` events (no polling here). */
export const useDrivesStore = create<DrivesState>((set) => ({
  list: null,
  loading: false,
  error: null,
  load: async () => {
    set({ loading: true, error: null });
    try {
      set({ list: await api.drives.list({}), loading: false });
    } catch (error) {
      set({ error: errorText(error), loading: false });
    }
  },
}));

api.on('drives.changed', (list) => useDrivesStore.setState({ list, error: null }));
