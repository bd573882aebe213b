import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const MAIN = path.resolve(__dirname, '../../dist/main.js');

/** Every hub this file's tests started, so that a failed assertion cannot leave one running (and Jest waiting on it). */
const started = new Set<ChildProcess>();

/** Starts the built hub as its own process and resolves once it logs its URL. */
export function spawnHub(env: Record<string, string>): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', HUB_PORT: '0', HUB_HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.add(child);
  child.once('exit', () => started.delete(child));
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /ITSM Hub listening on (http:\/\/[\d.:]+)/.exec(output);
      if (match) resolve({ child, url: match[1], output: () => output });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`hub exited with ${code} before listening:\n${output}`)));
  });
}

export function stopHub(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

/** Kills the hub the hard way (no shutdown code runs), as a crash or an OOM kill would. */
export function killHub(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** A JSON call to a spawned hub's API as the admin. */
export async function hubApi(url: string, token: string, method: string, p: string, body?: unknown): Promise<any> {
  const response = await fetch(url + p, { method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
  return response.json();
}

/** Kills the hubs a test started and did not stop (call it in `afterEach`). */
export async function killStrayHubs(): Promise<void> {
  await Promise.all([...started].filter((child) => child.exitCode === null && child.signalCode === null).map(killHub));
}
