// The fixes of the guide's section that no single diagnostic offers: CoreDNS down → "Restart CoreDNS"
// (network, solution 1); the authentication service crash-looping → "Restart auth-service"
// (permissions, permission cache refresh). Pressing one starts the approval flow.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { closeDiagnostics, withDiagnostics } from '../support/diagnostics-harness.js';
import { FakeKube } from '../support/fake-kube.js';
import { pod } from '../support/kube-fixtures.js';
import { consoleText } from '../support/recording-platform.js';

let kube: FakeKube;

beforeAll(async () => {
  kube = await FakeKube.start({
    pods: [
      pod({
        name: 'coredns-5d78c9869d-abcde',
        namespace: 'kube-system',
        labels: { 'k8s-app': 'kube-dns' },
        ready: false,
        waiting: 'CrashLoopBackOff',
      }),
      pod({
        name: 'auth-service-5c6d7e8f9-ccccc',
        app: 'auth-service',
        waiting: 'CrashLoopBackOff',
        restarts: 7,
      }),
    ],
  });
});

afterAll(() => closeDiagnostics(kube));

describe('fixes of the guide’s section', () => {
  test('network: CoreDNS not ready offers "Restart CoreDNS", through approval', () =>
    withDiagnostics(kube.env(), async (bot) => {
      await bot.run('triage network');
      const last = bot.cards().pop()!;
      expect(consoleText(last.message)).toContain(
        '🔴 failing — DNS and service endpoints: The only CoreDNS pod is not ready',
      );
      const button = last.message.blocks
        .flatMap((b) => (b.kind === 'actions' ? b.buttons : []))
        .find((b) => b.label === 'Restart CoreDNS');
      expect(button).toBeDefined();
      expect(await bot.payloadOf(button!)).toEqual({
        kind: 'fix.propose',
        payload: expect.objectContaining({ command: 'k8s restart', args: { deployment: 'coredns' } }),
      });
    }));

  test('permissions: auth-service crash-looping offers "Restart auth-service"', () =>
    withDiagnostics(kube.env(), async (bot) => {
      await bot.run('triage permissions');
      const last = bot.cards().pop()!;
      const text = consoleText(last.message);
      expect(text).toMatch(/🔴 failing — auth-service pods: 1 pod is not ready/);
      expect(text).toContain('[Restart auth-service]');
    }));

  test('nothing found: no section fix is offered', () =>
    withDiagnostics({}, async (bot) => {
      await bot.run('triage network');
      expect(consoleText(bot.cards().pop()!.message)).not.toContain('Restart CoreDNS');
    }));
});
