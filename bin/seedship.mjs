#!/usr/bin/env node
// The `seedship` command: runs the bundled CLI, which `npm ci` (prepare) and `npm run build` produce.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/cli.mjs', import.meta.url));
if (!existsSync(cli)) {
  process.stderr.write('seedship: not built yet. Run `npm run build` in the Seedship folder first.\n');
  process.exit(1);
}
await import(cli);
