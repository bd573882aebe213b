// @ts-check
// CI's check that the template has not rotted: generate a package into a temporary directory,
// typecheck and build it, and run its own tests (the conformance kit against its emulator).
const { execFileSync } = require('node:child_process');
const { rmSync } = require('node:fs');
const path = require('node:path');
const { generateAdapter, WORKSPACE, bin } = require('./generate');

const directory = path.join('.tmp', `generator-check-${process.pid}`);
const started = Date.now();
try {
  const root = generateAdapter('acmedesk', directory);
  execFileSync(bin('tsc'), ['-p', path.join(root, 'tsconfig.json')], { cwd: WORKSPACE, stdio: 'inherit' });
  execFileSync(bin('jest'), ['-c', path.join(root, 'jest.config.js')], { cwd: WORKSPACE, stdio: 'inherit' });
  process.stdout.write(`generated adapter-acmedesk builds, typechecks and passes its tests (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
} finally {
  rmSync(path.join(WORKSPACE, directory), { recursive: true, force: true });
}
