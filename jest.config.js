// Jest runs the TypeScript sources as ESM; type checking is done once by `tsc --noEmit` in `npm test`,
// so ts-jest only transpiles (isolatedModules) and the suite stays fast.
export default {
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, isolatedModules: true, diagnostics: false }] },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testEnvironment: 'node',
  setupFiles: ['<rootDir>/test/support/v8-flags.ts'],
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  // A bound, not a speed check: a loaded 2-core machine can be many times slower than a quiet one.
  testTimeout: 300_000,
  // Four workers on two cores: many suites mostly wait (timers of seconds, child processes, real
  // pg_sleep backends). Measured on this machine: 3 workers 304 s, 4 workers 248 s, 6 workers 284 s.
  maxWorkers: 4,
};
