// Every Kubernetes diagnostic besides `k8s pods` (tested in its own file), when Kubernetes is not
// configured (it names the variable to set), when the API refuses the connection (said at once) and
// when it accepts and never answers (said within OATIE_TARGET_TIMEOUT_MS): never a hang.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  closeDiagnostics,
  startDiagnostics,
  type DiagnosticsHarness,
} from '../support/diagnostics-harness.js';
import { writeKubeconfig } from '../support/fake-kube.js';
import { ANSWER_TIMEOUT_MS, closedPort } from '../support/http-fake.js';
import { blackhole, type TcpServer } from '../support/tcp.js';

const KUBE_COMMANDS = [
  'k8s top pods',
  'k8s top nodes',
  'k8s logs report-service',
  'k8s describe report-service-7d9f8c6b5-abc12',
  'k8s netpol',
  // Not `k8s dns`: it resolves the platform's names from the bot's own resolver without a cluster
  // (test/diagnostics/k8s-dns.test.ts).
];

const TIMEOUT_MS = 300;

let dir: string;
let silent: TcpServer;
let refusedPort: number;
let unconfigured: DiagnosticsHarness;
let down: DiagnosticsHarness;
let hung: DiagnosticsHarness;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kube-unreachable-'));
  silent = await blackhole();
  refusedPort = await closedPort();
  // writeKubeconfig writes kubeconfig.yaml in the directory it is given: one directory per cluster.
  const [downDir, hungDir] = [join(dir, 'down'), join(dir, 'hung')];
  await Promise.all([mkdir(downDir), mkdir(hungDir)]);
  const [downConfig, hungConfig] = await Promise.all([
    writeKubeconfig(`http://127.0.0.1:${refusedPort}`, downDir),
    writeKubeconfig(`http://127.0.0.1:${silent.port}`, hungDir),
  ]);
  unconfigured = await startDiagnostics({});
  down = await startDiagnostics({
    KUBECONFIG: downConfig,
    OATIE_TARGET_TIMEOUT_MS: String(ANSWER_TIMEOUT_MS),
  });
  hung = await startDiagnostics({ KUBECONFIG: hungConfig, OATIE_TARGET_TIMEOUT_MS: String(TIMEOUT_MS) });
});

afterAll(async () => {
  await closeDiagnostics(unconfigured, down, hung, silent);
  await rm(dir, { recursive: true, force: true });
});

describe('a Kubernetes diagnostic without a cluster configured names the variable to set', () => {
  test.each(KUBE_COMMANDS)('%s', async (command) => {
    const answer = await unconfigured.run(command);
    expect(answer.to).toEqual(['caller']);
    expect(answer.text).toContain(
      'Kubernetes is not configured: set KUBECONFIG or OATIE_KUBE_IN_CLUSTER=true.',
    );
  });
});

describe('a Kubernetes diagnostic whose API refuses the connection says so at once', () => {
  test.each(KUBE_COMMANDS)('%s', async (command) => {
    const answer = await down.run(command);
    expect(answer.text).toContain(
      `🔌 The Kubernetes API at 127.0.0.1:${refusedPort} refused the connection (nothing listens on that port).`,
    );
  });
});

describe('a Kubernetes diagnostic whose API never answers says so within the timeout', () => {
  test.each(KUBE_COMMANDS)('%s', async (command) => {
    const accepted = silent.accepted;
    const answer = await hung.run(command);
    expect(answer.text).toContain(
      `⏱️ The Kubernetes API at 127.0.0.1:${silent.port} did not answer within 0.3 s.`,
    );
    expect(answer.ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
    // The request did reach the server: the wait was on its answer, not on connecting.
    expect(silent.accepted).toBeGreaterThan(accepted);
  });
});
