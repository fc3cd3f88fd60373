// `npm test`: every check and test suite, in order, then one summary line ("N passed, N failed").
// A failing step doesn't stop the others, so one run shows everything that is wrong.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ensureSystemPackages } from './system-packages.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
process.chdir(root);
rmSync('test-results', { recursive: true, force: true });

const bin = (name) => `node_modules/.bin/${name}`;
const steps = [
  ['typecheck', bin('tsc'), ['-b']],
  ['lint', bin('eslint'), ['--max-warnings', '0', '.']],
  ['layering', bin('depcruise'), ['--config', '.dependency-cruiser.cjs', 'shared', 'electron', 'renderer', 'e2e', 'localcloud']],
  ['build', process.execPath, ['scripts/build.mjs']],
  ['unit and integration tests', bin('vitest'), ['run']],
  ['e2e tests', bin('playwright'), ['test', '--config', 'e2e/playwright.config.ts']],
];

const failedSteps = [];
if (!ensureSystemPackages()) failedSteps.push('system packages');
for (const [name, command, args] of steps) {
  console.log(`\n=== ${name} ===`);
  const started = Date.now();
  const run = spawnSync(command, args, { stdio: 'inherit' });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (run.status !== 0) {
    failedSteps.push(name);
    console.log(`=== ${name}: FAILED (${seconds} s) ===`);
  } else {
    console.log(`=== ${name}: ok (${seconds} s) ===`);
  }
}

function counts() {
  let passed = 0;
  let failed = 0;
  if (existsSync('test-results/unit.json')) {
    const unit = JSON.parse(readFileSync('test-results/unit.json', 'utf8'));
    passed += unit.numPassedTests;
    failed += unit.numFailedTests;
  }
  if (existsSync('test-results/e2e.json')) {
    const { stats } = JSON.parse(readFileSync('test-results/e2e.json', 'utf8'));
    passed += stats.expected;
    failed += stats.unexpected + stats.flaky;
  }
  return { passed, failed };
}

const { passed, failed } = counts();
console.log('');
if (failedSteps.length > 0) console.log(`Failed steps: ${failedSteps.join(', ')}`);
// Steps that aren't test suites (typecheck, lint…) count as one failure each.
const stepFailures = failedSteps.filter((s) => !s.includes('tests')).length;
console.log(`${passed} passed, ${failed + stepFailures} failed`);
process.exit(failedSteps.length > 0 || failed > 0 || passed === 0 ? 1 : 0);
