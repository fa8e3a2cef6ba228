// Jest runs the TypeScript sources as ESM; type checking is done once by `tsc --noEmit` in `npm test`,
// so the transform only strips types, with SWC: on a clean clone (no jest cache) it took about a third of
// the CPU ts-jest took.
export default {
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }],
  },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testEnvironment: 'node',
  setupFiles: ['<rootDir>/test/support/v8-flags.ts'],
  // One migrated PGlite data directory per run, copied by each embedded test store.
  globalSetup: '<rootDir>/test/global-setup.mjs',
  globalTeardown: '<rootDir>/test/global-teardown.mjs',
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  // A bound, not a speed check: a loaded 2-core machine can be many times slower than a quiet one.
  testTimeout: 300_000,
  // Four workers on two cores: many suites mostly wait (timers of seconds, child processes, real
  // pg_sleep backends). Measured on this machine: 3 workers 304 s, 4 workers 248 s, 6 workers 284 s.
  maxWorkers: 4,
};
