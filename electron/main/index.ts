import { join } from 'node:path';
import { app, BrowserWindow, Notification, safeStorage, shell } from 'electron';
import { registerServices } from '../../shared/api/register';
import { APP_ORIGIN } from '../../shared/security/content-policy';
import { createAppServices, type AppServices } from '../services/app-services';
import { resolveDataDir } from '../services/system/data-dir';
import { registerAppScheme, serveRenderer } from './app-protocol';
import { createIpcTransport } from './ipc-transport';
import { denyPermissions, hardenApp } from './security';
import { utilityProcessLauncher } from './utility-launcher';
import { SafeStorageKeyProvider } from './safe-storage-key';

// The bundles sit in <root>/dist/electron; the built renderer in <root>/dist/renderer.
const DIST = join(__dirname, '..');
let services: AppServices | null = null;

registerAppScheme();
hardenApp();
app.enableSandbox();

function dataDirFromArgs(): string {
  const flag = process.argv.find((a) => a.startsWith('--data-dir='));
  return resolveDataDir(flag ? flag.slice('--data-dir='.length) : app.getPath('userData'));
}

function createMainWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1200,
    height: 800,
    minWidth: 900,
    minHeight: 600,
    title: 'Seedship',
    show: false,
    webPreferences: {
      preload: join(DIST, 'electron', 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(`${APP_ORIGIN}/index.html`);
  return window;
}

void app.whenReady().then(() => {
  denyPermissions();
  serveRenderer(join(DIST, 'renderer'));
  const dataDir = dataDirFromArgs();
  services = createAppServices({
    dataDir,
    transport: 'electron',
    version: app.getVersion(),
    watchDrives: true,
    watchJobs: true,
    runSchedule: true,
    launchLocalCloud: utilityProcessLauncher(join(DIST, 'localcloud.mjs')),
    workerDir: join(DIST, 'workers'),
    ...(safeStorage.isEncryptionAvailable() ? { keyProvider: new SafeStorageKeyProvider(dataDir) } : {}),
    // Interactive sign-in opens only the active profile's own sign-in page (https) in the system browser.
    openBrowser: async (url) => {
      const profile = await services?.azure.profile();
      if (!profile || !url.startsWith('https://') || new URL(url).origin !== new URL(profile.authority).origin) {
        throw new Error('Refusing to open a sign-in page outside the configured authority.');
      }
      await shell.openExternal(url);
    },
  });
  const logger = services.logger;
  registerServices(createIpcTransport((channel, url) => logger.warn(`Refused IPC ${channel} from ${url}`)), services.services, services.events, {
    onUnexpectedError: (channel, error) => logger.error(`API ${channel} failed`, error),
  });
  // Import job state changes found by the scheduled check (or a refresh) become desktop notifications.
  services.events.on('jobs.changed', ({ changes }) => {
    if (!Notification.isSupported()) return;
    for (const change of changes.slice(0, 5)) new Notification({ title: `Seedship: ${change.jobName}`, body: change.message }).show();
  });
  createMainWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createMainWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

app.on('will-quit', () => {
  void services?.close();
  services = null;
});
