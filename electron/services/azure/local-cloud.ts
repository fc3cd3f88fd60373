import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { SeedshipError } from '../../../shared/api/errors';
import { CloudProfileSchema, type CloudProfile } from '../../../shared/azure/cloud-profile';
import type { Logger } from '../system/logger';

/** A started local cloud process, however it was started (Node child, Electron utility process). */
export interface LocalCloudProcess {
  onExit(listener: (code: number | null) => void): void;
  onOutput(listener: (text: string) => void): void;
  kill(): void;
}

/** Starts `localcloud start <args>`; the caller decides how (Node: child_process, Electron: utilityProcess). */
export type LocalCloudLauncher = (args: string[]) => LocalCloudProcess;

export type LocalCloudState = 'stopped' | 'starting' | 'running' | 'failed';

/**
 * Runs the local cloud for the `local` profile: reuses one that is already answering for this data
 * folder, otherwise starts it and waits for its profile file. The cloud dies with the app (it watches
 * its standard input).
 */
export class LocalCloud {
  private process: LocalCloudProcess | null = null;
  private starting: Promise<CloudProfile> | null = null;
  private lastOutput = '';
  /** Set once the app is shutting down: a late caller (a timer, a request in flight) must not start a new cloud. */
  private closed = false;
  state: LocalCloudState = 'stopped';

  constructor(
    readonly dataDir: string,
    private readonly launch: LocalCloudLauncher,
    private readonly logger: Logger,
    private readonly portBase: string = process.env.SEEDSHIP_LOCALCLOUD_PORT_BASE ?? '47443',
  ) {}

  get profilePath(): string {
    return join(this.dataDir, 'profile.json');
  }

  ensureRunning(): Promise<CloudProfile> {
    if (this.closed) return Promise.reject(new SeedshipError('UNAVAILABLE', 'Seedship is stopping: the local cloud is not started again.'));
    this.starting ??= this.start().catch((error: unknown) => {
      this.starting = null;
      this.state = 'failed';
      throw error;
    });
    return this.starting;
  }

  /** Stops the cloud for good (the app is closing): later calls to ensureRunning are refused. */
  close(): Promise<void> {
    this.closed = true;
    return this.stop();
  }

  /** Stops the cloud this app started; resolves once it has exited (it stops Azurite first). */
  stop(): Promise<void> {
    const child = this.process;
    this.process = null;
    this.starting = null;
    this.state = 'stopped';
    if (!child) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, 10_000);
      child.onExit(() => {
        clearTimeout(timer);
        resolve();
      });
      child.kill();
    });
  }

  private async start(): Promise<CloudProfile> {
    const existing = readProfile(this.profilePath);
    if (existing && (await isAnswering(existing))) {
      this.state = 'running';
      return existing;
    }
    // close() may have come while the check above was waiting.
    if (this.closed) throw new SeedshipError('UNAVAILABLE', 'Seedship is stopping: the local cloud is not started again.');
    this.state = 'starting';
    const child = this.launch(['start', '--data-dir', this.dataDir, '--port-base', this.portBase, '--watch-stdin']);
    this.process = child;
    child.onOutput((text) => {
      this.lastOutput = `${this.lastOutput}${text}`.slice(-4000);
    });
    const exited = new Promise<never>((_resolve, reject) =>
      child.onExit((code) => {
        this.process = null;
        this.starting = null;
        this.state = code === 0 ? 'stopped' : 'failed';
        reject(new SeedshipError('UNAVAILABLE', `The local cloud stopped (exit ${code}): ${lastLine(this.lastOutput)}`));
      }),
    );
    const ready = (async () => {
      for (let i = 0; i < 600 && this.process === child; i += 1) {
        if (this.lastOutput.includes('Local cloud is ready.')) {
          const profile = readProfile(this.profilePath);
          if (profile) return profile;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      if (this.process !== child) throw new SeedshipError('UNAVAILABLE', 'The local cloud was stopped while starting.');
      throw new SeedshipError('UNAVAILABLE', `The local cloud did not start within 30 s: ${lastLine(this.lastOutput)}`);
    })();
    // Whichever loses the race must not surface later as an unhandled rejection.
    ready.catch(() => undefined);
    exited.catch(() => undefined);
    const profile = await Promise.race([ready, exited]);
    this.state = 'running';
    this.logger.info(`Local cloud running: ARM ${profile.armEndpoint}, identity ${profile.authority}`);
    return profile;
  }
}

function readProfile(path: string): CloudProfile | null {
  if (!existsSync(path)) return null;
  try {
    return CloudProfileSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  } catch {
    return null;
  }
}

function lastLine(text: string): string {
  return text.trim().split('\n').pop() ?? 'no output';
}

/** Whether a local cloud from an earlier start still answers at the profile's admin endpoint. */
function isAnswering(profile: CloudProfile): Promise<boolean> {
  if (!profile.adminEndpoint || !profile.adminKeyPath || !profile.caCertificatePath || !existsSync(profile.adminKeyPath)) return Promise.resolve(false);
  const ca = readFileSync(profile.caCertificatePath, 'utf8');
  const key = readFileSync(profile.adminKeyPath, 'utf8').trim();
  return new Promise((resolve) => {
    const req = request(`${profile.adminEndpoint}/clock`, { ca, headers: { 'x-localcloud-admin-key': key }, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}
