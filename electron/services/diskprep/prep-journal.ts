import { appendFile, mkdir, open, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { StagingFile } from './staging-files';

/**
 * The journal of one drive, in the app's data folder (never on the target): an append-only JSON
 * Lines file, one fsync'd line per event, so a crash loses at most the line being written. The
 * first line is the drive's plan (files with size and mtime); then one line per finished file
 * with its block MD5s, and the phase changes. Phases: 'copying' (the plain NTFS: small files
 * through ntfs-3g), 'writing' (BitLocker begun; large files written encrypted straight to their
 * clusters, each journaled when flushed), 'encrypting' (the in-place pass), 'encrypted', 'verified'.
 * Appending keeps each write small whatever the size
 * of the drive (a rewritten JSON would grow with every block).
 */
export type JournalPhase = 'copying' | 'writing' | 'encrypting' | 'encrypted' | 'verified';

export interface JournalHeader {
  kind: 'plan';
  version: 1;
  jobName: string;
  serial: string;
  device: string;
  stagingPath: string;
  sessionFolder: string;
  index: number;
  xts256: boolean;
  files: StagingFile[];
  at: string;
}

type JournalLine =
  | JournalHeader
  | { kind: 'file'; path: string; blockHashes: string[]; run: number; at: string }
  | { kind: 'phase'; phase: JournalPhase; run: number; at: string; note?: string }
  | { kind: 'run'; run: number; at: string; note: string };

export interface JournalState {
  header: JournalHeader;
  /** Finished files: block hashes and the run that copied them. */
  done: Map<string, { blockHashes: string[]; run: number }>;
  phase: JournalPhase;
  runs: number;
  notes: string[];
}

export function journalDir(dataDir: string, jobName: string): string {
  return join(dataDir, 'diskprep', jobName);
}

export class PrepJournal {
  private constructor(readonly path: string, readonly state: JournalState) {}

  static async create(dataDir: string, header: Omit<JournalHeader, 'kind' | 'version' | 'at'>): Promise<PrepJournal> {
    const dir = journalDir(dataDir, header.jobName);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const path = join(dir, `${header.serial}.jsonl`);
    await rm(path, { force: true });
    const full: JournalHeader = { kind: 'plan', version: 1, at: new Date().toISOString(), ...header };
    const journal = new PrepJournal(path, { header: full, done: new Map(), phase: 'copying', runs: 0, notes: [] });
    await journal.append(full);
    return journal;
  }

  /** The journal of `serial` in this job, or null; a torn last line (crash mid-append) is ignored. */
  static async load(dataDir: string, jobName: string, serial: string): Promise<PrepJournal | null> {
    const path = join(journalDir(dataDir, jobName), `${serial}.jsonl`);
    const text = await readFile(path, 'utf8').catch(() => null);
    if (text === null) return null;
    const lines: JournalLine[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        lines.push(JSON.parse(line) as JournalLine);
      } catch {
        break;
      }
    }
    const header = lines[0];
    if (header?.kind !== 'plan') return null;
    const state: JournalState = { header, done: new Map(), phase: 'copying', runs: 0, notes: [] };
    for (const line of lines.slice(1)) apply(state, line);
    return new PrepJournal(path, state);
  }

  /** Every journal of a job (the files other drives of this job hold or will hold). */
  static async loadAll(dataDir: string, jobName: string): Promise<PrepJournal[]> {
    const names = await readdir(journalDir(dataDir, jobName)).catch(() => [] as string[]);
    const out: PrepJournal[] = [];
    for (const name of names.filter((n) => n.endsWith('.jsonl'))) {
      const journal = await PrepJournal.load(dataDir, jobName, name.slice(0, -'.jsonl'.length));
      if (journal) out.push(journal);
    }
    return out;
  }

  async startRun(note: string): Promise<number> {
    const run = this.state.runs + 1;
    await this.append({ kind: 'run', run, at: new Date().toISOString(), note });
    return run;
  }

  async fileDone(path: string, blockHashes: string[], run: number): Promise<void> {
    await this.append({ kind: 'file', path, blockHashes, run, at: new Date().toISOString() });
  }

  async setPhase(phase: JournalPhase, run: number, note?: string): Promise<void> {
    await this.append({ kind: 'phase', phase, run, at: new Date().toISOString(), ...(note ? { note } : {}) });
  }

  /** Forgets every finished file (the drive is prepared again from scratch). */
  async restart(run: number, note: string): Promise<void> {
    this.state.done.clear();
    await this.setPhase('copying', run, note);
  }

  private async append(line: JournalLine): Promise<void> {
    if (line.kind !== 'plan') apply(this.state, line);
    const handle = await open(this.path, 'a', 0o600);
    try {
      await appendFile(handle, `${JSON.stringify(line)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
}

function apply(state: JournalState, line: JournalLine): void {
  if (line.kind === 'file') state.done.set(line.path, { blockHashes: line.blockHashes, run: line.run });
  else if (line.kind === 'run') {
    state.runs = Math.max(state.runs, line.run);
    state.notes.push(line.note);
  } else if (line.kind === 'phase') {
    // Back to copying after a crash during encryption: the NTFS is gone, every file is copied again.
    if (line.phase === 'copying' && state.phase !== 'copying') state.done.clear();
    if (line.phase === 'copying' && line.note) state.done.clear();
    state.phase = line.phase;
    if (line.note) state.notes.push(line.note);
  }
}
