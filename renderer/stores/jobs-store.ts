import { create } from 'zustand';
import type { ShippingDetails } from '../../shared/diskprep/shipping-details';
import type { DriveLogs, JobChange, JobDetail, JobList, JobRef } from '../../shared/jobs/jobs-api';
import { api } from '../api';
import { errorField, errorText } from './error-text';

export interface JobsError {
  message: string;
  field?: string;
  /** Which form or action failed: the page shows the error there. */
  where: 'list' | 'detail' | 'track' | 'returnShipping' | 'emails' | 'cancel' | 'delete';
}

interface JobsState {
  list: JobList | null;
  loading: boolean;
  selected: JobRef | null;
  detail: JobDetail | null;
  busy: JobsError['where'] | null;
  error: JobsError | null;
  /** A sentence confirming the last change that worked. */
  done: string | null;
  logs: Record<string, DriveLogs>;
  logsLoading: string | null;
  /** State changes heard since the app opened, newest first (the dashboard and the toasts show them). */
  changes: JobChange[];

  load: (cached?: boolean) => Promise<void>;
  open: (ref: JobRef) => Promise<void>;
  close: () => void;
  track: (carrierName: string, trackingNumber: string, markShipped: boolean) => Promise<boolean>;
  returnShipping: (shipping: ShippingDetails) => Promise<boolean>;
  setEmails: (emails: string[]) => Promise<boolean>;
  cancel: () => Promise<void>;
  remove: () => Promise<void>;
  loadLogs: (driveId: string) => Promise<void>;
}

const refOf = (d: { subscriptionId: string; resourceGroup: string; name: string }): JobRef => ({ subscriptionId: d.subscriptionId, resourceGroup: d.resourceGroup, jobName: d.name });
const fail = (where: JobsError['where'], error: unknown): JobsError => {
  const field = errorField(error);
  return field === undefined ? { where, message: errorText(error) } : { where, message: errorText(error), field };
};

/** The Jobs page: the list of import jobs, the open job, and the changes `jobs.changed` reports. */
export const useJobsStore = create<JobsState>((set, get) => {
  /** Runs one change of the open job; its answer replaces the detail and the list is re-read from the app. */
  const change = async (where: JobsError['where'], run: (ref: JobRef) => Promise<JobDetail>, done: string): Promise<boolean> => {
    const ref = get().selected;
    if (!ref) return false;
    set({ busy: where, error: null, done: null });
    try {
      const detail = await run(ref);
      set({ detail, busy: null, done });
      await get().load(true);
      return true;
    } catch (error) {
      set({ busy: null, error: fail(where, error) });
      return false;
    }
  };
  return {
    list: null,
    loading: false,
    selected: null,
    detail: null,
    busy: null,
    error: null,
    done: null,
    logs: {},
    logsLoading: null,
    changes: [],

    load: async (cached = false) => {
      if (!cached) set({ loading: true });
      try {
        const list = await api.jobs.list(cached ? { cached: true } : {});
        set({ list, loading: false, ...(get().error?.where === 'list' ? { error: null } : {}) });
      } catch (error) {
        set({ loading: false, error: fail('list', error) });
      }
    },
    open: async (ref) => {
      set({ selected: ref, detail: null, busy: 'detail', error: null, done: null, logs: {} });
      try {
        const detail = await api.jobs.show(ref);
        if (get().selected?.jobName === ref.jobName) set({ detail, busy: null });
      } catch (error) {
        set({ busy: null, error: fail('detail', error) });
      }
    },
    close: () => set({ selected: null, detail: null, error: null, done: null, logs: {} }),
    track: (carrierName, trackingNumber, markShipped) =>
      change('track', (ref) => api.jobs.track({ ...ref, carrierName, trackingNumber, markShipped }), `Tracking number ${trackingNumber} saved.`),
    returnShipping: (shipping) => change('returnShipping', (ref) => api.jobs.returnShipping({ ...ref, shipping }), 'Return address and carrier saved.'),
    setEmails: (emails) => change('emails', (ref) => api.jobs.notificationEmails({ ...ref, emails }), 'Notification emails saved.'),
    cancel: async () => {
      await change('cancel', (ref) => api.jobs.cancel(ref), 'Cancellation requested.');
    },
    remove: async () => {
      const ref = get().selected;
      if (!ref) return;
      set({ busy: 'delete', error: null, done: null });
      try {
        await api.jobs.delete(ref);
        set({ busy: null, done: `Import job ${ref.jobName} deleted.` });
        await get().open(ref);
        await get().load(true);
      } catch (error) {
        set({ busy: null, error: fail('delete', error) });
      }
    },
    loadLogs: async (driveId) => {
      const ref = get().selected;
      if (!ref) return;
      set({ logsLoading: driveId });
      try {
        const logs = await api.jobs.driveLogs({ ...ref, driveId });
        set((s) => ({ logs: { ...s.logs, [driveId]: logs }, logsLoading: null }));
      } catch (error) {
        set((s) => ({ logsLoading: null, logs: { ...s.logs, [driveId]: { driveId, container: '', logs: [], problem: errorText(error) } } }));
      }
    },
  };
});

export { refOf };

api.on('jobs.changed', ({ changes }) => {
  useJobsStore.setState((s) => ({ changes: [...changes, ...s.changes].slice(0, 50) }));
  const { selected, load, busy } = useJobsStore.getState();
  void load(true);
  // The open job changed: read it again in place (its forms, logs and messages stay).
  if (selected && !busy && changes.some((c) => c.jobName === selected.jobName && c.resourceGroup === selected.resourceGroup)) {
    void api.jobs.show(selected).then(
      (detail) => {
        if (useJobsStore.getState().selected?.jobName === selected.jobName) useJobsStore.setState({ detail });
      },
      () => undefined,
    );
  }
});
