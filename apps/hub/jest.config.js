const path = require('node:path');
module.exports = {
  ...require('../../jest.preset.js'),
  rootDir: __dirname,
  displayName: require('./package.json').name,
  globalSetup: path.join(__dirname, '../../tools/jest/global-setup.js'),
  globalTeardown: path.join(__dirname, '../../tools/jest/global-teardown.js'),
};
