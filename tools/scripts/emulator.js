#!/usr/bin/env node
// Starts one platform emulator: npm run emulator -- <platform> --port N [credential flags].
// Runs the built adapter packages (npm ci / npm run build builds them).
const { Command, Option } = require('commander');

const PLATFORMS = ['servicenow', 'jira', 'pagerduty', 'halo'];
const CREDENTIAL_FLAGS = [
  ['--username <username>', 'username'],
  ['--password <password>', 'password'],
  ['--client-id <id>', 'client_id'],
  ['--client-secret <secret>', 'client_secret'],
  ['--email <email>', 'email'],
  ['--api-key <key>', 'api_key'],
  ['--token <token>', 'token'],
  ['--tenant <tenant>', 'tenant'],
];

const program = new Command('emulator')
  .description('Start a local emulator of an ITSM platform API')
  .addArgument(new (require('commander').Argument)('<platform>', 'platform to emulate').choices([...PLATFORMS, 'haloitsm']))
  .option('--port <port>', 'port to listen on (0 picks a free one)', (v) => Number.parseInt(v, 10), 0)
  .option('--host <host>', 'address to listen on', '127.0.0.1');
for (const [flag, key] of CREDENTIAL_FLAGS) program.addOption(new Option(flag, `accepted ${key}`));

program.action(async (platform, opts) => {
  const name = platform === 'haloitsm' ? 'halo' : platform;
  const { startEmulator } = require(`@itsm-hub/adapter-${name}/emulator`);
  const credentials = {};
  for (const [, key] of CREDENTIAL_FLAGS) {
    const value = opts[key.replace(/_([a-z])/g, (_, c) => c.toUpperCase())];
    if (value !== undefined) credentials[key] = value;
  }
  const handle = await startEmulator({ port: opts.port, host: opts.host, credentials });
  process.stdout.write(`${name} emulator listening on ${handle.url}\n`);
  process.stdout.write(`accepted credentials: ${JSON.stringify(handle.credentials)}\n`);
  const stop = () => handle.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
});

program.parseAsync(process.argv).catch((err) => {
  process.stderr.write(`emulator: ${err.message}\n`);
  process.exit(1);
});
