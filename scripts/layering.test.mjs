// Proves the layering check (ARCHITECTURE.md) catches each kind of violation: it runs the project's
// dependency-cruiser rules over a small fixture tree that breaks every rule once, beside allowed imports.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const fixture = mkdtempSync(join(tmpdir(), 'seedship-layers-'));
afterAll(() => rmSync(fixture, { recursive: true, force: true }));

const FILES = {
  'node_modules/electron/package.json': '{"name":"electron","main":"index.js"}',
  'node_modules/electron/index.js': 'module.exports = {};',
  'node_modules/zod/package.json': '{"name":"zod","main":"index.js"}',
  'node_modules/zod/index.js': 'module.exports = {};',
  'shared/ok.ts': "import { z } from 'zod';\nexport const s = z;",
  'shared/bad-node.ts': "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;",
  'shared/bad-app.ts': "import { x } from '../electron/services/x';\nexport const y = x;",
  'renderer/bad.ts': "import * as e from 'electron';\nimport { x } from '../electron/services/x';\nexport const y = [e, x];",
  'renderer/ok.ts': "import { s } from '../shared/ok';\nexport const y = s;",
  'electron/services/x.ts': "import * as e from 'electron';\nimport { s } from '../../shared/ok';\nexport const x = [e, s];",
  'electron/main/ok.ts': "import * as e from 'electron';\nimport { x } from '../services/x';\nexport const y = [e, x];",
  'localcloud/bad.ts': "import { s } from '../shared/ok';\nexport const y = s;",
};

function cruise() {
  for (const [path, text] of Object.entries(FILES)) {
    mkdirSync(dirname(join(fixture, path)), { recursive: true });
    writeFileSync(join(fixture, path), text);
  }
  cpSync(join(ROOT, 'tsconfig.base.json'), join(fixture, 'tsconfig.base.json'));
  let out;
  try {
    out = execFileSync(join(ROOT, 'node_modules/.bin/depcruise'), ['--config', join(ROOT, '.dependency-cruiser.cjs'), '--output-type', 'json', 'shared', 'electron', 'renderer', 'localcloud'], { cwd: fixture, encoding: 'utf8' });
  } catch (error) {
    out = error.stdout; // depcruise exits non-zero when it finds violations
  }
  return JSON.parse(out).summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`).sort();
}

describe('layering check', () => {
  it('flags every forbidden import and none of the allowed ones', () => {
    expect(cruise()).toEqual([
      'localcloud-independent: localcloud/bad.ts -> shared/ok.ts',
      'node-side-never-electron: electron/services/x.ts -> node_modules/electron/index.js',
      'renderer-only-shared: renderer/bad.ts -> electron/services/x.ts',
      'renderer-only-shared: renderer/bad.ts -> node_modules/electron/index.js',
      'shared-is-pure: shared/bad-app.ts -> electron/services/x.ts',
      'shared-no-node-builtins: shared/bad-node.ts -> fs',
    ]);
  });
});
