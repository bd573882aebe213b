#!/usr/bin/env node
// The npm registry this project is installed from mirrors only linux-x64 builds, so `npm install`
// leaves the other platforms' optional native packages (swc, nx, unrs-resolver) out of
// package-lock.json, and `npm ci` then refuses the lockfile as out of sync. This adds the missing
// entries, marked optional with the os/cpu their names encode, so `npm ci` skips them on this
// platform and resolves them on others. Run after every `npm install` that changes the lockfile.
const fs = require('node:fs');
const path = require('node:path');

const file = path.join(__dirname, '../../package-lock.json');
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const OS = ['darwin', 'win32', 'linux', 'freebsd', 'android', 'openharmony'];
const CPU = ['arm64', 'x64', 'ia32', 'arm', 'ppc64', 's390x', 'riscv64', 'loong64'];
let added = 0;
for (const meta of Object.values(lock.packages)) {
  for (const [name, version] of Object.entries(meta.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    if (lock.packages[key]) continue;
    const parts = name.split(/[-/]/);
    const os = parts.find((p) => OS.includes(p));
    const cpu = /eabi/.test(name) ? 'arm' : [...parts].reverse().find((p) => CPU.includes(p));
    const entry = { version, cpu: cpu ? [cpu] : [], optional: true, os: os ? [os] : [] };
    if (name.includes('musl')) entry.libc = ['musl'];
    else if (os === 'linux') entry.libc = ['glibc'];
    lock.packages[key] = entry;
    added++;
  }
}
const [root, ...rest] = Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b)));
lock.packages = Object.fromEntries([root, ...rest]);
fs.writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
process.stdout.write(`complete-lockfile: added ${added} optional platform entries\n`);
