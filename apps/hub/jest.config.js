const path = require('node:path');
module.exports = {
  ...require('../../jest.preset.js'),
  rootDir: __dirname,
  displayName: require('./package.json').name,
  // End-to-end tests boot real processes and databases; the bound only catches hangs.
  testTimeout: 60_000,
  globalSetup: path.join(__dirname, '../../tools/jest/global-setup.js'),
  globalTeardown: path.join(__dirname, '../../tools/jest/global-teardown.js'),
};
