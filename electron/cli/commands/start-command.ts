import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { startHeadlessHost } from '../../host/headless-host';
import { createAppServices } from '../../services/app-services';
import { resolveDataDir } from '../../services/system/data-dir';
import { APP_ROOT, appVersion, LOCAL_CLOUD_ENTRY, RENDERER_DIR, WORKER_DIR } from '../app-root';
import { UsageError } from '../cli-errors';
import { findElectronBinary } from '../electron-binary';

export const START_HELP = `Usage: seedship start [--headless] [--port N] [--data-dir DIR] [--no-schedule]

Starts Seedship: the Electron app where it can run, otherwise the headless host, which serves the
same app to a browser on 127.0.0.1 and prints the one address (with its session token) to open.

  --headless      skip Electron and start the headless host
  --port N        the headless host's port (default 7860; 0 picks a free one)
  --data-dir DIR  Seedship's data folder (default: SEEDSHIP_DATA_DIR or the per-user folder)
  --no-schedule   don't run scheduled backups in this session (rehearsals, tests; Run now still works)`;

export async function startCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      headless: { type: 'boolean', default: false },
      port: { type: 'string', default: '7860' },
      'data-dir': { type: 'string' },
      'no-schedule': { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65535) throw new UsageError(`--port must be a number from 0 to 65535, not "${values.port}".`);
  const dataDir = resolveDataDir(values['data-dir']);

  if (!values.headless) {
    const electron = findElectronBinary(APP_ROOT);
    if (electron.ok) return runElectron(electron.path, dataDir);
    process.stdout.write(`Electron can’t start here: ${electron.reason}. Starting the headless host instead.\n`);
  }
  return runHeadless(port, dataDir, !values['no-schedule']);
}

function runElectron(binary: string, dataDir: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(binary, [APP_ROOT, `--data-dir=${dataDir}`], { stdio: 'inherit' });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('exit', (code) => resolve(code ?? 0));
  });
}

async function runHeadless(port: number, dataDir: string, runSchedule: boolean): Promise<number> {
  const app = createAppServices({ dataDir, transport: 'headless', version: appVersion(), watchDrives: true, watchJobs: true, runSchedule, localCloudEntry: LOCAL_CLOUD_ENTRY, workerDir: WORKER_DIR });
  const host = await startHeadlessHost({ app, rendererDir: RENDERER_DIR, port }).catch(async (error: unknown) => {
    await app.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UsageError(`Port ${port} is in use: pick another with --port, or --port 0 for any free one.`);
    throw error;
  });
  app.logger.info(`Headless host listening on 127.0.0.1:${host.port}`);
  process.stdout.write(`Seedship is ready at ${host.url}\n`);
  // The default profile is the local cloud: bring it up now, so sign-in is ready when the operator is.
  void app.services.cloud.status({}).then((status) => {
    if (status.problem) app.logger.warn(`Cloud: ${status.problem}`);
  });
  return new Promise((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      app.logger.info(`Stopping on ${signal}`);
      void host
        .close()
        .then(() => app.close())
        .finally(() => {
          process.stderr.write('Seedship stopped.\n');
          resolve(0);
        });
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
