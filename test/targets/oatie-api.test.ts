// The Oatie API adapter against a fake API: the Bearer token, UUID-only paths, validated answers,
// and failures named (refused, timed out, token rejected) without ever echoing the token.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { ErrorCode } from '../../src/core/errors.js';
import { openOatieApi, parsePrometheus } from '../../src/targets/oatie-api.js';
import { failure } from '../support/call-failure.js';
import { FAKE_API_TOKEN, FakeOatieApi } from '../support/fake-oatie-api.js';
import { ANSWER_TIMEOUT_MS, closedPort } from '../support/http-fake.js';

/** Where the fake is silent: the timeout is what is tested (see ANSWER_TIMEOUT_MS). */
const SILENT_TIMEOUT_MS = 300;
const REPORT = '0b6f1c9e-4a7d-4c1e-9f3a-2d5e8b7c6a10';
let fake: FakeOatieApi;

const api = (token = FAKE_API_TOKEN, url = fake.url, timeoutMs = ANSWER_TIMEOUT_MS) =>
  openOatieApi({ url, token, timeoutMs });

beforeAll(async () => {
  fake = await FakeOatieApi.start();
  fake.executions[REPORT] = [
    {
      id: 'e2',
      status: 'processing',
      started_at: '2026-11-28T10:00:00Z',
      completed_at: null,
      error_message: null,
    },
    {
      id: 'e1',
      status: 'failed',
      started_at: '2026-11-28T09:00:00Z',
      completed_at: '2026-11-28T09:01:00Z',
      error_message: 'ORA-12541: TNS:no listener',
    },
  ];
});

afterAll(() => fake.stop());

describe('report executions', () => {
  test('are read with the Bearer token and come back validated', async () => {
    const executions = await api().reportExecutions(REPORT);
    expect(executions).toEqual([
      {
        id: 'e2',
        status: 'processing',
        startedAt: new Date('2026-11-28T10:00:00Z'),
        finishedAt: undefined,
        error: undefined,
      },
      {
        id: 'e1',
        status: 'failed',
        startedAt: new Date('2026-11-28T09:00:00Z'),
        finishedAt: new Date('2026-11-28T09:01:00Z'),
        error: 'ORA-12541: TNS:no listener',
      },
    ]);
    const sent = fake.requests.at(-1)!;
    expect(sent.path).toBe(`/api/v1/reports/${REPORT}/executions`);
    expect(sent.headers.authorization).toBe(`Bearer ${FAKE_API_TOKEN}`);
  });

  test('anything but a UUID is refused before a request is made', async () => {
    const before = fake.requests.length;
    for (const id of ['../health', `${REPORT}/../../x`, "1' OR '1'='1"]) {
      expect((await failure(() => api().reportExecutions(id))).code).toBe(ErrorCode.BadArgument);
    }
    expect(fake.requests.length).toBe(before);
  });

  test('an unknown report is "not found"', async () => {
    const error = await failure(() => api().reportExecutions('6c3a1e0f-9d7b-4f2a-8e51-0a9b8c7d6e5f'));
    expect(error.code).toBe(ErrorCode.NotFound);
  });
});

describe('health and metrics', () => {
  test('/health and the Oracle BI check say healthy or why not', async () => {
    expect(await api().health()).toMatchObject({
      healthy: true,
      status: 'healthy',
      checks: { database: true, redis: true, oracle_bi: true },
    });
    fake.oracleBi = {
      status: 503,
      body: { status: 'unhealthy', message: 'PublicReportService: connection refused' },
    };
    const bi = await api().oracleBiHealth();
    fake.oracleBi = { status: 200, body: { status: 'healthy', latency_ms: 84 } };
    expect(bi).toMatchObject({
      healthy: false,
      status: 'unhealthy',
      detail: 'PublicReportService: connection refused',
    });
  });

  test('/metrics is read as Prometheus samples', async () => {
    const samples = await api().metrics();
    expect(samples.find((s) => s.name === 'process_resident_memory_bytes')?.value).toBe(327155712);
    expect(parsePrometheus('# HELP x\nx{a="1"} 2\ngarbage line\n')).toEqual([
      { name: 'x', labels: '{a="1"}', value: 2 },
    ]);
  });

  test('an answer of the wrong shape is a readable failure, not a crash', async () => {
    fake.health = { status: 200, body: { status: 42 } };
    const error = await failure(() => api().health());
    fake.health = { status: 200, body: { status: 'healthy' } };
    expect(error.code).toBe(ErrorCode.TargetDown);
    expect(error.message).toContain('answered something the bot cannot read');
  });
});

describe('failures', () => {
  test('a wrong token is named, never echoed', async () => {
    const error = await failure(() => api('wrong-secret-token').health());
    expect(error.code).toBe(ErrorCode.TargetDown);
    expect(error.message).toContain('rejected the credentials (401 Unauthorized): check OATIE_API_TOKEN');
    expect(error.message).not.toContain('wrong-secret-token');
  });

  test('a failing API says which status it answered', async () => {
    fake.fail = true;
    const error = await failure(() => api().reportExecutions(REPORT));
    fake.fail = false;
    expect(error.message).toMatch(/^The Oatie API at 127\.0\.0\.1:\d+ answered HTTP 500\.$/);
  });

  test('a closed port is refused; a silent API times out within the timeout', async () => {
    const port = await closedPort();
    const refused = await failure(() => api(FAKE_API_TOKEN, `http://127.0.0.1:${port}`).health());
    expect(refused.code).toBe(ErrorCode.TargetDown);
    expect(refused.message).toContain('refused the connection');
    fake.hang = true;
    const timeout = await failure(() => api(FAKE_API_TOKEN, fake.url, SILENT_TIMEOUT_MS).health());
    fake.hang = false;
    expect(timeout.code).toBe(ErrorCode.Timeout);
    expect(timeout.message).toContain('did not answer within 0.3 s');
  });

  test('credentials written in the URL never reach a message', () => {
    expect(openOatieApi({ url: 'https://user:hunter2@api.oatie.ai/base', timeoutMs: 1000 }).description).toBe(
      'api.oatie.ai',
    );
  });
});
