import { Command, CommanderError } from 'commander';
import { allCommands } from './commands';
import { ApiError, HubClient, loadCliConfig } from './HubClient';

/** Exit codes: 0 success, 1 the hub refused or failed, 2 wrong usage. */
export async function runCli(argv: string[]): Promise<number> {
  const client = () => new HubClient(loadCliConfig());
  // Positional options down to `integration reconcile`, whose own options would otherwise take its subcommands' (`reconcile history x --format json`).
  const program = new Command('im').description('ITSM Hub command line').enablePositionalOptions().exitOverride().showHelpAfterError();
  for (const command of allCommands(client, argv)) program.addCommand(command);
  for (const command of program.commands) applyExitOverride(command);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return 2;
    }
    if (err instanceof ApiError) {
      process.stderr.write(`Error: ${err.problem.title ?? 'Request failed'}${err.status ? ` (HTTP ${err.status})` : ''}: ${err.message}\n`);
      for (const fieldError of err.problem.errors ?? []) process.stderr.write(`  ${fieldError.field}: ${fieldError.message}\n`);
      return 1;
    }
    process.stderr.write(`Error: ${(err as Error).message}\n`);
    return 1;
  }
}

function applyExitOverride(command: Command): void {
  command.exitOverride();
  command.commands.forEach(applyExitOverride);
}
