import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigurationError } from '@itsm-hub/core';

/**
 * PGlite has no multi-process locking: two hubs on one data directory would corrupt it. The lock
 * file holds the owner's pid; a lock whose process is gone (crash, SIGKILL) is taken over.
 */
export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'hub.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx', mode: 0o600 });
      return () => rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(readFileSync(file, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
        throw new ConfigurationError(`Another hub (pid ${owner}) is using ${dataDir}; stop it or set a different HUB_DATA_DIR.`, [
          { field: 'HUB_DATA_DIR', message: `in use by pid ${owner}` },
        ]);
      }
      rmSync(file, { force: true });
    }
  }
  throw new ConfigurationError(`Could not lock ${dataDir}.`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
