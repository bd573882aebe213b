import { runCli } from '../cli/main';

/**
 * Runs `im` in this process against source (no build needed), capturing what it prints. The hub's
 * URL and token come from the environment, as for a user.
 */
export async function imInProcess(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const capture = (sink: string[]) => (chunk: string | Uint8Array) => {
    sink.push(String(chunk));
    return true;
  };
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(capture(out));
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(capture(err));
  try {
    const code = await runCli(args);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
    // runCli reports through process.exitCode; left set, it would become the exit code of Jest.
    process.exitCode = undefined;
  }
}
