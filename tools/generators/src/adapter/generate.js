// @ts-check
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const WORKSPACE = path.resolve(__dirname, '../../../..');
const bin = (name) => path.join(WORKSPACE, 'node_modules', '.bin', name);
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };

/**
 * Runs the generator as a user would (`nx g`), into `directory` (relative to the workspace), and
 * builds the package. Returns the package's absolute path.
 *
 * @param {string} platform
 * @param {string} directory
 * @param {{ build?: boolean }} [options]
 */
function generateAdapter(platform, directory, options = {}) {
  execFileSync(bin('nx'), ['g', '@itsm-hub/generators:adapter', platform, '--directory', directory, '--no-interactive'], { cwd: WORKSPACE, env, stdio: 'pipe' });
  const root = path.join(WORKSPACE, directory, `adapter-${platform}`);
  if (options.build !== false) execFileSync(bin('tsc'), ['-p', path.join(root, 'tsconfig.lib.json')], { cwd: WORKSPACE, stdio: 'pipe' });
  return root;
}

module.exports = { generateAdapter, WORKSPACE, bin };
