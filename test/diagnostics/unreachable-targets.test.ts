// Every diagnostic of the platform's database and cache, when the target is not configured (it names
// the variable to set) and when it is down (it says refused, within the timeout, never hangs).
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import {
  closeDiagnostics,
  startDiagnostics,
  type DiagnosticsHarness,
} from '../support/diagnostics-harness.js';
import { closedPort } from '../support/http-fake.js';

const DATABASE_COMMANDS = [
  'auth user maria.garcia@northwind.example reports:create',
  'reports status 3f6c2a1e-8b4d-4e7a-9c1f-5d2e8a7b6c01',
  'reports stuck',
  'db connections',
  'db long-running',
  'db slow-queries',
  'db indexes',
  'db bloat',
  'db blocking',
];

let unconfigured: DiagnosticsHarness;
let down: DiagnosticsHarness;
let port: number;

beforeAll(async () => {
  unconfigured = await startDiagnostics({});
  port = await closedPort();
  down = await startDiagnostics({
    OATIE_DATABASE_URL: `postgres://ops:s3cret@127.0.0.1:${port}/oatie`,
    OATIE_TARGET_TIMEOUT_MS: '1000',
  });
});

afterAll(() => closeDiagnostics(unconfigured, down));

describe('a diagnostic whose database is not configured names the variable to set', () => {
  test.each(DATABASE_COMMANDS)('%s', async (command) => {
    const answer = await unconfigured.run(command);
    expect(answer.to).toEqual(['caller']);
    expect(answer.text).toMatch(/^⚙️ The Oatie database is not configured: set OATIE_DATABASE_URL[ .]/);
  });
});

describe('a diagnostic whose database is down says so within the timeout', () => {
  test.each(DATABASE_COMMANDS)('%s', async (command) => {
    const answer = await down.run(command);
    expect(answer.text).toBe(
      `🔌 The Oatie database at 127.0.0.1:${port}/oatie refused the connection (nothing listens on that port).`,
    );
    expect(answer.text).not.toContain('s3cret');
  });
});
