// Shared Jest setup: swc transpiles (with decorator metadata, which tsyringe needs) and
// workspace packages resolve to their sources so tests never run against stale builds.
const path = require('node:path');
const root = __dirname;

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  setupFiles: ['reflect-metadata'],
  moduleNameMapper: {
    '^@itsm-hub/core$': path.join(root, 'libs/core/src/index.ts'),
    '^@itsm-hub/core/testing$': path.join(root, 'libs/core/src/testing/index.ts'),
    '^@itsm-hub/core/emulator$': path.join(root, 'libs/core/src/emulator/index.ts'),
    '^@itsm-hub/adapter-([a-z0-9-]+)$': path.join(root, 'libs/adapter-$1/src/index.ts'),
    '^@itsm-hub/adapter-([a-z0-9-]+)/emulator$': path.join(root, 'libs/adapter-$1/src/emulator/index.ts'),
  },
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};
