import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { lockDataDir } from './dataDirLock';

describe('lockDataDir', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'itsm-hub-lock-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('holds the data directory for this process and releases it', () => {
    const unlock = lockDataDir(dir);
    expect(readFileSync(path.join(dir, 'hub.lock'), 'utf8')).toBe(String(process.pid));
    unlock();
    expect(existsSync(path.join(dir, 'hub.lock'))).toBe(false);
  });

  it('refuses a directory held by another live process, naming it', () => {
    writeFileSync(path.join(dir, 'hub.lock'), String(process.ppid));
    expect(() => lockDataDir(dir)).toThrow(`Another hub (pid ${process.ppid}) is using ${dir}`);
  });

  it('takes over the lock of a process that is gone', () => {
    writeFileSync(path.join(dir, 'hub.lock'), '4194303');
    const unlock = lockDataDir(dir);
    expect(readFileSync(path.join(dir, 'hub.lock'), 'utf8')).toBe(String(process.pid));
    unlock();
  });
});
