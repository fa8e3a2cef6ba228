// `npm run test:reliability`: the bad things done for real (kill -9, the store stopped, targets that hang,
// a fuzzer), kept out of `npm test` because they take minutes. Same transform as jest.config.js.
import base from './jest.config.js';

export default {
  ...base,
  testMatch: ['<rootDir>/test/reliability/**/*.reliability.ts'],
  testTimeout: 600_000,
  maxWorkers: 1,
};
