import { create } from 'zustand';
import type {
  Datacenter,
  DiskPrepJob,
  DiskPrepPlan,
  ImportJobResult,
  PreparedDrive,
  ShippingRecord,
  StagingJobs,
} from '../../shared/diskprep/diskprep-api';
import { MAX_DRIVES_PER_JOB } from '../../shared/diskprep/diskprep-api';
import type { ShippingDetails } from '../../shared/diskprep/shipping-details';
import type { DriveList } from '../../shared/drives/drive';
import { isFinished, type TaskRecord } from '../../shared/tasks/task-record';
import { api } from '../api';
import { errorField, errorText } from './error-text';
import { useTaskStore } from './task-store';

/** The DiskPrep screen's steps, in the order of Azure Backup's disk prep tool. */
export const DISKPREP_STEPS = [
  { id: 'staging', title: 'Staging location' },
  { id: 'job', title: 'Import job' },
  { id: 'drives', title: 'Drives' },
  { id: 'confirm', title: 'Confirm formatting' },
  { id: 'signin', title: 'Sign in to Azure' },
  { id: 'prepare', title: 'Prepare drives' },
  { id: 'another', title: 'Another drive' },
  { id: 'summary', title: 'Prepared drives' },
  { id: 'shipping', title: 'Shipping details' },
  { id: 'created', title: 'Ship the drives' },
] as const;
export type DiskPrepStep = (typeof DISKPREP_STEPS)[number]['id'];

export interface DiskPrepError {
  message: string;
  field?: string;
}

/** One drive's turn in this round: the task preparing it, once started. */
export interface DriveRun {
  device: string;
  taskId: string | null;
}

interface DiskPrepState {
  step: DiskPrepStep;
  busy: boolean;
  error: DiskPrepError | null;
  stagingPath: string;
  staging: StagingJobs | null;
  jobName: string | null;
  drives: DriveList | null;
  selected: string[];
  /** What the operator typed to confirm erasing each selected drive. */
  confirmations: Record<string, string>;
  plan: DiskPrepPlan | null;
  /** The drives of this round, prepared one after another. */
  runs: DriveRun[];
  /** Bytes on this job's drives prepared before this round started. */
  bytesBefore: number;
  prepared: PreparedDrive[];
  datacenter: Datacenter | null;
  result: ImportJobResult | null;
  record: ShippingRecord | null;
  /** Recovery passwords the operator asked to see, by serial (kept only while the page is open). */
  revealed: Record<string, string>;

  goTo: (step: DiskPrepStep) => void;
  setStagingPath: (path: string) => void;
  readStaging: () => Promise<void>;
  chooseJob: (jobName: string) => void;
  loadDrives: () => Promise<void>;
  toggleDrive: (device: string, on: boolean) => void;
  planDrives: () => Promise<boolean>;
  setConfirmation: (device: string, text: string) => void;
  startPreparing: () => Promise<void>;
  retry: () => Promise<void>;
  loadPrepared: () => Promise<void>;
  createImportJob: (shipping: ShippingDetails) => Promise<void>;
  revealKey: (serial: string) => Promise<void>;
  hideKey: (serial: string) => void;
  exportRecord: (to?: string) => Promise<void>;
  reset: () => void;
}

function problem(error: unknown): DiskPrepError {
  const field = errorField(error);
  return field === undefined ? { message: errorText(error) } : { message: errorText(error), field };
}

const INITIAL = {
  step: 'staging' as DiskPrepStep,
  busy: false,
  error: null,
  stagingPath: '',
  staging: null,
  jobName: null,
  drives: null,
  selected: [],
  confirmations: {},
  plan: null,
  runs: [],
  bytesBefore: 0,
  prepared: [],
  datacenter: null,
  result: null,
  record: null,
  revealed: {},
};

/** The chosen job's record from the staging descriptor. */
export function chosenJob(state: Pick<DiskPrepState, 'staging' | 'jobName'>): DiskPrepJob | null {
  return state.staging?.jobs.find((j) => j.jobName === state.jobName) ?? null;
}

/** How many more drives this job may take (Import/Export: at most 10 per job). */
export function drivesLeft(state: Pick<DiskPrepState, 'staging' | 'jobName'>): number {
  return MAX_DRIVES_PER_JOB - (chosenJob(state)?.preparedDrives ?? 0);
}

/**
 * The DiskPrep screen's state: staging → job → drives → prepare (one drive after another, asking
 * for more while files are left) → summary → shipping details → the import job. Task progress
 * arrives as `task.changed` events; this store moves on when a drive's task finishes.
 */
export const useDiskPrepStore = create<DiskPrepState>((set, get) => ({
  ...INITIAL,

  goTo: (step) => set({ step, error: null }),
  setStagingPath: (stagingPath) => set({ stagingPath }),

  readStaging: async () => {
    const { stagingPath } = get();
    set({ busy: true, error: null });
    try {
      const staging = await api.diskprep.jobs({ stagingPath: stagingPath.trim() });
      // One job needs no choice; several (one staging location for several jobs) do.
      const only = staging.jobs.length === 1 ? staging.jobs[0]!.jobName : null;
      set({ staging, jobName: only ?? get().jobName, busy: false });
      if (staging.jobs.length > 0 && staging.unreadable.length === 0) set({ step: 'job' });
    } catch (error) {
      set({ busy: false, error: problem(error), staging: null });
    }
  },

  chooseJob: (jobName) => set({ jobName, selected: [], confirmations: {}, plan: null, prepared: [], result: null, record: null, revealed: {} }),

  loadDrives: async () => {
    const { stagingPath } = get();
    try {
      const drives = await api.diskprep.drives({ stagingPath: stagingPath.trim() });
      // A drive that went away (or became unusable) drops out of the selection.
      const offered = new Set(drives.drives.filter((d) => d.status === 'ok' || d.status === 'warning').map((d) => d.device));
      set((s) => ({ drives, selected: s.selected.filter((d) => offered.has(d)) }));
    } catch (error) {
      set({ error: problem(error) });
    }
  },

  toggleDrive: (device, on) =>
    set((s) => ({ selected: on ? [...s.selected.filter((d) => d !== device), device] : s.selected.filter((d) => d !== device), plan: null })),

  planDrives: async () => {
    const { stagingPath, jobName, selected } = get();
    if (!jobName) return false;
    set({ busy: true, error: null });
    try {
      const plan = await api.diskprep.plan({ stagingPath: stagingPath.trim(), jobName, devices: selected });
      set({ plan, busy: false });
      return true;
    } catch (error) {
      set({ busy: false, error: problem(error) });
      return false;
    }
  },

  setConfirmation: (device, text) => set((s) => ({ confirmations: { ...s.confirmations, [device]: text } })),

  startPreparing: async () => {
    const { selected, staging, jobName } = get();
    const job = staging?.jobs.find((j) => j.jobName === jobName);
    // Drives without files planned on them aren't erased for nothing.
    const planned = new Set((get().plan?.drives ?? []).filter((d) => d.files.length > 0).map((d) => d.device));
    const devices = planned.size > 0 ? selected.filter((d) => planned.has(d)) : selected;
    set({ step: 'prepare', runs: devices.map((device) => ({ device, taskId: null })), bytesBefore: job?.preparedBytes ?? 0, error: null });
    await startNext();
  },

  retry: async () => {
    set((s) => ({ runs: s.runs.map((r) => (r.taskId && failed(r.taskId) ? { ...r, taskId: null } : r)), error: null }));
    await startNext();
  },

  loadPrepared: async () => {
    const { jobName } = get();
    if (!jobName) return;
    try {
      const prepared = await api.diskprep.preparedDrives({ jobName });
      set({ prepared });
      const location = chosenJob(get())?.location;
      // The region's address and carriers narrow the carrier list; without them (not signed in) every carrier is offered.
      if (location && !get().datacenter) set({ datacenter: await api.diskprep.datacenter({ location }).catch(() => null) });
    } catch (error) {
      set({ error: problem(error) });
    }
  },

  createImportJob: async (shipping) => {
    const { stagingPath, jobName } = get();
    if (!jobName) return;
    set({ busy: true, error: null });
    try {
      const result = await api.diskprep.createImportJob({ stagingPath: stagingPath.trim(), jobName, shipping });
      set({ result, datacenter: result.datacenter, busy: false, step: 'created' });
    } catch (error) {
      set({ busy: false, error: problem(error) });
    }
  },

  revealKey: async (serial) => {
    const { jobName } = get();
    if (!jobName) return;
    try {
      const key = await api.diskprep.revealKey({ jobName, serial, confirm: true });
      set((s) => ({ revealed: { ...s.revealed, [serial]: key.recoveryPassword }, error: null }));
    } catch (error) {
      set({ error: problem(error) });
    }
  },

  hideKey: (serial) =>
    set((s) => {
      const revealed = { ...s.revealed };
      delete revealed[serial];
      return { revealed };
    }),

  exportRecord: async (to) => {
    const { jobName } = get();
    if (!jobName) return;
    set({ busy: true, error: null });
    try {
      set({ record: await api.diskprep.exportRecord(to ? { jobName, to } : { jobName }), busy: false });
    } catch (error) {
      set({ busy: false, error: problem(error) });
    }
  },

  reset: () => set({ ...INITIAL, stagingPath: get().stagingPath }),
}));

function failed(taskId: string): boolean {
  const task = useTaskStore.getState().tasks[taskId];
  return task !== undefined && (task.status === 'failed' || task.status === 'cancelled');
}

/** Starts the first drive of the round without a task; when none is left, decides what comes next. */
async function startNext(): Promise<void> {
  const state = useDiskPrepStore.getState();
  const { stagingPath, jobName, runs, confirmations } = state;
  if (!jobName) return;
  const next = runs.find((r) => r.taskId === null);
  if (!next) {
    await afterRound();
    return;
  }
  try {
    const task = await api.diskprep.start({ stagingPath: stagingPath.trim(), jobName, device: next.device, confirmation: confirmations[next.device] ?? '' });
    useTaskStore.getState().track(task);
    useDiskPrepStore.setState((s) => ({ runs: s.runs.map((r) => (r.device === next.device ? { ...r, taskId: task.id } : r)) }));
    // Its last event may have come before this answer: the task store has the newest record.
    const latest = useTaskStore.getState().tasks[task.id] ?? task;
    if (isFinished(latest.status)) await onTaskChanged(latest);
  } catch (error) {
    useDiskPrepStore.setState({ error: problem(error) });
  }
}

/** After the round: more files left → ask for another drive; else the summary. */
async function afterRound(): Promise<void> {
  const store = useDiskPrepStore.getState();
  const { stagingPath, jobName } = store;
  if (!jobName) return;
  try {
    const [staging, plan] = await Promise.all([
      api.diskprep.jobs({ stagingPath: stagingPath.trim() }),
      api.diskprep.plan({ stagingPath: stagingPath.trim(), jobName, devices: [] }),
    ]);
    const more = plan.unplacedFiles > 0;
    useDiskPrepStore.setState({ staging, plan, selected: [], confirmations: {}, step: more ? 'another' : 'summary' });
    if (!more) await useDiskPrepStore.getState().loadPrepared();
  } catch (error) {
    useDiskPrepStore.setState({ error: problem(error) });
  }
}

/** Tasks whose end this store already acted on (the event and the start answer may both report it). */
const handled = new Set<string>();

async function onTaskChanged(task: TaskRecord): Promise<void> {
  const { runs, step } = useDiskPrepStore.getState();
  if (step !== 'prepare' || !runs.some((r) => r.taskId === task.id) || handled.has(task.id)) return;
  handled.add(task.id);
  if (task.status === 'succeeded') await startNext();
  // A failed or cancelled drive stops the round: the task card says why, and Retry resumes from its journal.
}

api.on('task.changed', (task) => {
  if (task.kind === 'diskprep' && isFinished(task.status)) void onTaskChanged(task);
});
// Drives come and go while the screen is open: ask the service again (it hides the staging drive).
api.on('drives.changed', () => {
  const { step, stagingPath } = useDiskPrepStore.getState();
  if (stagingPath.trim() !== '' && (step === 'drives' || step === 'another' || step === 'confirm')) void useDiskPrepStore.getState().loadDrives();
});
