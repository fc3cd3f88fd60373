// CLI integration tests run the bundled `seedship` command: build the Node side first (well under a second).
import { execFileSync } from 'node:child_process';

export default function setup() {
  execFileSync(process.execPath, ['scripts/build.mjs', 'node'], { stdio: 'inherit' });
}
