import { create } from 'zustand';
import { isFinished, type TaskRecord } from '../../shared/tasks/task-record';
import { api } from '../api';
import { errorText } from './error-text';

interface TaskState {
  /** Every task this session has heard of, by id, as its latest `task.changed` left it. */
  tasks: Record<string, TaskRecord>;
  error: string | null;
  load: () => Promise<void>;
  /** Records a task a call just started (its first `task.changed` may already have passed). */
  track: (task: TaskRecord) => void;
  cancel: (id: string) => Promise<void>;
}

/** Long work (backups, restores), fed by `task.changed` events: no polling. */
export const useTaskStore = create<TaskState>((set) => ({
  tasks: {},
  error: null,
  load: async () => {
    try {
      const list = await api.tasks.list({});
      set((state) => ({ tasks: { ...Object.fromEntries(list.map((t) => [t.id, t])), ...newer(state.tasks, list) }, error: null }));
    } catch (error) {
      set({ error: errorText(error) });
    }
  },
  track: (task) => set((state) => ({ tasks: { ...state.tasks, [task.id]: pickNewer(state.tasks[task.id], task) } })),
  cancel: async (id) => {
    try {
      const task = await api.tasks.cancel({ id });
      set((state) => ({ tasks: { ...state.tasks, [id]: pickNewer(state.tasks[id], task) }, error: null }));
    } catch (error) {
      set({ error: errorText(error) });
    }
  },
}));

/** A finished record never goes back to running because an older answer arrived late. */
function pickNewer(known: TaskRecord | undefined, incoming: TaskRecord): TaskRecord {
  if (!known) return incoming;
  if (isFinished(known.status) && !isFinished(incoming.status)) return known;
  if (!isFinished(known.status) && !isFinished(incoming.status) && incoming.counters.bytesDone < known.counters.bytesDone) return known;
  return incoming;
}

function newer(known: Record<string, TaskRecord>, list: TaskRecord[]): Record<string, TaskRecord> {
  return Object.fromEntries(list.filter((t) => known[t.id]).map((t) => [t.id, pickNewer(known[t.id], t)]));
}

/** The most recent task of a kind (running ones first), or null. */
export function latestTask(tasks: Record<string, TaskRecord>, kind: TaskRecord['kind']): TaskRecord | null {
  const mine = Object.values(tasks).filter((t) => t.kind === kind);
  mine.sort((a, b) => Number(isFinished(a.status)) - Number(isFinished(b.status)) || b.startedAt.localeCompare(a.startedAt));
  return mine[0] ?? null;
}

api.on('task.changed', (task) => useTaskStore.getState().track(task));
