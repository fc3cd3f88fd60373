import { create } from 'zustand';
import type { ScheduleStatus } from '../../shared/schedule/schedule-api';
import { api } from '../api';
import { errorText } from './error-text';

interface ScheduleState {
  status: ScheduleStatus | null;
  error: string | null;
  load: () => Promise<void>;
}

/** The backup schedule's next and last run: loaded once, then kept current by `schedule.changed` events. */
export const useScheduleStore = create<ScheduleState>((set) => ({
  status: null,
  error: null,
  load: async () => {
    try {
      set({ status: await api.schedule.status({}), error: null });
    } catch (error) {
      set({ error: errorText(error) });
    }
  },
}));

api.on('schedule.changed', (status) => useScheduleStore.setState({ status, error: null }));
// What the next run will do depends on the seed (a vault task) and the import job's state (the job watcher).
api.on('task.changed', (task) => {
  if (task.kind === 'vault' && (task.status === 'succeeded' || task.status === 'failed' || task.status === 'cancelled')) void useScheduleStore.getState().load();
});
api.on('jobs.changed', () => void useScheduleStore.getState().load());
