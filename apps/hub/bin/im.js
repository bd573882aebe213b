#!/usr/bin/env node
// The CLI runs from the built output; `npm ci` builds it through the root `prepare` script.
require('../dist/cli/main.js')
  .runCli(process.argv.slice(2))
  .then((code) => process.exit(code));
