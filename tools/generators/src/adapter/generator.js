// @ts-check
const path = require('node:path');
const { generateFiles, names, offsetFromRoot, joinPathFragments, updateJson } = require('@nx/devkit');

const PLATFORM = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * Writes `<directory>/adapter-<platform>`: an adapter package in the layout every adapter follows,
 * whose emulator, adapter and conformance spec agree with each other, so it builds and passes the
 * conformance kit before a line of the real platform's API is written.
 *
 * @param {import('@nx/devkit').Tree} tree
 * @param {{ platform: string; displayName?: string; directory?: string }} options
 */
function adapterGenerator(tree, options) {
  if (!PLATFORM.test(options.platform)) {
    throw new Error(`platform '${options.platform}' must be lowercase letters and digits, words joined by '-' (e.g. freshservice)`);
  }
  const root = joinPathFragments(options.directory ?? 'libs', `adapter-${options.platform}`);
  if (tree.exists(root)) throw new Error(`${root} already exists`);
  const n = names(options.platform);
  const displayName = options.displayName ?? n.name.split('-').map((w) => w[0].toUpperCase() + w.slice(1)).join(' ');
  generateFiles(tree, path.join(__dirname, 'files'), root, {
    platform: options.platform,
    className: n.className,
    propertyName: n.propertyName,
    constantName: n.constantName,
    displayName,
    root,
    offset: offsetFromRoot(root),
    tmpl: '',
  });
  // In the workspace the root package.json is the hub's host: listing the package there is what installs it.
  if ((options.directory ?? 'libs') === 'libs') {
    updateJson(tree, 'package.json', (pkg) => ({ ...pkg, dependencies: sortedKeys({ ...pkg.dependencies, [`@itsm-hub/adapter-${options.platform}`]: '*' }) }));
  }
}

/** @param {Record<string, string>} record */
function sortedKeys(record) {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

module.exports = adapterGenerator;
module.exports.default = adapterGenerator;
