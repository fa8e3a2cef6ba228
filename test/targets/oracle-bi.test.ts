// Oracle BI Publisher reached directly: any HTTP answer means reachable; no answer is named.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { ErrorCode } from '../../src/core/errors.js';
import { openOracleBi } from '../../src/targets/oracle-bi.js';
import { failure } from '../support/call-failure.js';
import { FakeOracleBi } from '../support/fake-oracle-bi.js';
import { ANSWER_TIMEOUT_MS, closedPort } from '../support/http-fake.js';

/** Where the fake is silent: the timeout is what is tested (see ANSWER_TIMEOUT_MS). */
const SILENT_TIMEOUT_MS = 400;
let fake: FakeOracleBi;

beforeAll(async () => {
  fake = await FakeOracleBi.start();
});

afterAll(() => fake.stop());

describe('Oracle BI Publisher probe', () => {
  test('asks PublicReportService for its WSDL and measures the answer', async () => {
    fake.delayMs = 60;
    const probe = await openOracleBi({ url: `${fake.url}/`, timeoutMs: ANSWER_TIMEOUT_MS }).probe();
    fake.delayMs = undefined;
    expect(probe).toMatchObject({ status: 200, wsdl: true });
    expect(probe.latencyMs).toBeGreaterThanOrEqual(55);
    expect(fake.requests.at(-1)).toMatchObject({
      path: '/xmlpserver/services/PublicReportService',
      query: { wsdl: '' },
    });
  });

  test('a 401 still means reachable', async () => {
    fake.status = 401;
    const probe = await openOracleBi({ url: fake.url, timeoutMs: ANSWER_TIMEOUT_MS }).probe();
    fake.status = 200;
    expect(probe).toMatchObject({ status: 401, wsdl: false });
  });

  test('refused, unresolvable and silent servers are named, within the timeout', async () => {
    const port = await closedPort();
    const refused = await failure(() =>
      openOracleBi({ url: `http://127.0.0.1:${port}`, timeoutMs: ANSWER_TIMEOUT_MS }).probe(),
    );
    expect(refused.message).toMatch(/^Oracle BI Publisher at 127\.0\.0\.1:\d+ refused the connection/);

    const dns = await failure(() =>
      openOracleBi({ url: 'http://bi-publisher.invalid:9502', timeoutMs: ANSWER_TIMEOUT_MS }).probe(),
    );
    expect(dns.code).toBe(ErrorCode.TargetDown);
    expect(dns.message).toMatch(/does not resolve \(DNS\)|did not answer/);

    fake.hang = true;
    const silent = await failure(() => openOracleBi({ url: fake.url, timeoutMs: SILENT_TIMEOUT_MS }).probe());
    fake.hang = false;
    expect(silent.code).toBe(ErrorCode.Timeout);
    expect(silent.message).toContain('did not answer within 0.4 s');
  });
});
