// What a call to a target fails with, for adapter tests: the OpsError's code and message, and how long
// the call took to fail. A call that succeeds, or throws anything but an OpsError, fails the test.
import { isOpsError, type ErrorCode } from '../../src/core/errors.js';

export interface Failure {
  code: ErrorCode;
  message: string;
  ms: number;
}

export async function failure(call: () => Promise<unknown>): Promise<Failure> {
  const started = performance.now();
  try {
    await call();
  } catch (error) {
    if (!isOpsError(error)) throw error;
    return { code: error.code, message: error.message, ms: performance.now() - started };
  }
  throw new Error('expected the call to fail');
}
