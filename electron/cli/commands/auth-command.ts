import { parseArgs } from 'node:util';
import { createAppServices } from '../../services/app-services';
import { resolveDataDir } from '../../services/system/data-dir';
import { appVersion, LOCAL_CLOUD_ENTRY } from '../app-root';
import { UsageError } from '../cli-errors';
import { createDirectClient } from '../direct-transport';

export const AUTH_HELP = `Usage: seedship auth <login|status|logout> [--data-dir DIR]

Signs in to Azure (or the local cloud, with the default profile) with a device code: open the
address it prints, enter the code, and sign in. The session is kept, encrypted, in the data folder.`;

export async function authCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const { values } = parseArgs({ args: rest, options: { 'data-dir': { type: 'string' } }, strict: true });
  if (!['login', 'status', 'logout'].includes(sub ?? '')) throw new UsageError(sub ? `unknown auth command "${sub}".` : 'say login, status or logout.');
  const app = createAppServices({ dataDir: resolveDataDir(values['data-dir']), transport: 'cli', version: appVersion(), localCloudEntry: LOCAL_CLOUD_ENTRY });
  try {
    const api = createDirectClient(app);
    if (sub === 'login') {
      api.on('auth.deviceCode', (prompt) => process.stdout.write(`${prompt.message}\n`));
      const account = await api.auth.signIn({ method: 'device-code' });
      process.stdout.write(`Signed in as ${account.username}.\n`);
    } else if (sub === 'logout') {
      await api.auth.signOut({});
      process.stdout.write('Signed out.\n');
    } else {
      const status = await api.cloud.status({});
      if (status.problem) process.stdout.write(`${status.problem}\n`);
      process.stdout.write(`Profile: ${status.profile}\nAuthority: ${status.authority ?? '—'}\nSigned in: ${status.account ? status.account.username : 'no'}\n`);
    }
    return 0;
  } finally {
    await app.close();
  }
}
