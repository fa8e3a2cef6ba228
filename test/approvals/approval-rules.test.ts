// Who may request, approve and reject a fix, read from the policy file: requesters and channels,
// approvers per risk level, the two-person rule and its P0 exception.
import type { Approval } from '../../src/approvals/approval.js';
import { mayApprove, mayReject, mayRequest, riskOf } from '../../src/approvals/approval-rules.js';
import type { Policy } from '../../src/config/policy.js';
import { RecordingPlatform } from '../support/recording-platform.js';
import { defaultPolicy, policyWith } from '../support/test-app.js';

let policy: Policy;
const REQUESTED_AT = new Date('2026-12-01T10:00:00Z');
/** A P0 made by carol a minute before the request. */
const byCarolBefore = { by: 'carol', at: new Date(REQUESTED_AT.getTime() - 60_000) };
const chat = new RecordingPlatform();

const request = (risk: Approval['risk'], requester = 'alice', platform = 'console'): Approval => ({
  id: 1,
  command: 'db terminate',
  args: {},
  plan: { summary: '', statement: '', target: '', facts: [], data: {} },
  risk,
  why: undefined,
  requester,
  platform,
  channel: 'ops',
  incidentId: undefined,
  incidentChannel: undefined,
  state: 'pending',
  createdAt: REQUESTED_AT,
  expiresAt: new Date(REQUESTED_AT.getTime() + 900_000),
  approver: undefined,
  approvalNote: undefined,
  decidedAt: undefined,
  startedAt: undefined,
  finishedAt: undefined,
  result: undefined,
  output: undefined,
  message: undefined,
});

beforeAll(async () => {
  policy = await defaultPolicy();
});

describe('the approval rules of the default policy', () => {
  it('lets the SRE group request fixes anywhere, and nobody else', async () => {
    expect(await mayRequest(policy, chat, 'dave', 'anywhere')).toEqual({ ok: true });
    expect(await mayRequest(policy, chat, 'mallory', 'ops')).toEqual({
      ok: false,
      reason: 'you are not in the policy file, so you cannot request fixes.',
    });
  });

  it('takes each fix’s risk from the policy, and treats unlisted fixes as high', () => {
    expect(riskOf(policy, 'db terminate', undefined)).toBe('low');
    expect(riskOf(policy, 'auth set-role', 'low')).toBe('high');
    const bare = { ...policy, fixes: { ...policy.fixes, risk: {} } };
    expect(riskOf(bare, 'db vacuum', undefined)).toBe('high');
    expect(riskOf(bare, 'db vacuum', 'low')).toBe('low');
  });

  it('lets approvers of the risk level approve, never the requester', () => {
    expect(mayApprove(policy, 'console', request('low'), 'dave', { p0: undefined })).toEqual({
      ok: true,
    });
    expect(mayApprove(policy, 'console', request('high'), 'dave', { p0: undefined })).toEqual({
      ok: false,
      reason: 'high-risk fixes are approved by group:leads (policy fixes.approvers.high).',
    });
    expect(mayApprove(policy, 'console', request('high', 'bob'), 'bob', { p0: byCarolBefore })).toEqual({
      ok: false,
      reason: 'you requested this fix; a second person must approve it (two-person rule).',
    });
  });

  it('knows Slack users by their ids in the policy, and a person under two ids is still one person', () => {
    expect(
      mayApprove(policy, 'slack', request('high', 'U0ONCALL01', 'slack'), 'U0LEAD0001', {
        p0: undefined,
      }),
    ).toEqual({ ok: true });
    expect(
      mayApprove(policy, 'slack', request('high', 'U0ONCALL01', 'slack'), 'bob', { p0: undefined }).ok,
    ).toBe(false);
    expect(
      mayApprove(policy, 'slack', request('high', 'bob', 'console'), 'U0LEAD0001', { p0: undefined }),
    ).toMatchObject({ ok: false });
  });

  it('lets the requester withdraw and approvers reject; nobody else', () => {
    expect(mayReject(policy, 'console', request('high'), 'alice')).toEqual({ ok: true });
    expect(mayReject(policy, 'console', request('high'), 'carol')).toEqual({ ok: true });
    expect(mayReject(policy, 'console', request('high'), 'dave').ok).toBe(false);
  });
});

describe('a stricter policy', () => {
  it('limits requests to the channels it names, by name or id', async () => {
    const strict = await policyWith((yaml) =>
      yaml.replace('channels: ["*"]', 'channels: ["#ops", "sre-war-room"]'),
    );
    expect(await mayRequest(strict, chat, 'alice', 'ops')).toEqual({ ok: true });
    expect(await mayRequest(strict, chat, 'alice', 'sre-war-room')).toEqual({ ok: true });
    expect(await mayRequest(strict, chat, 'alice', 'random')).toEqual({
      ok: false,
      reason: 'fixes cannot be requested in this channel; use one of #ops, sre-war-room.',
    });
  });

  it('limits requesters to the people and groups it names', async () => {
    const strict = await policyWith((yaml) =>
      yaml.replace('requesters: ["group:sre"]', 'requesters: ["group:leads"]'),
    );
    expect(await mayRequest(strict, chat, 'bob', 'ops')).toEqual({ ok: true });
    expect(await mayRequest(strict, chat, 'alice', 'ops')).toEqual({
      ok: false,
      reason: 'only group:leads may request fixes (policy fixes.requesters).',
    });
  });

  it('allows self-approval only in a P0 war room when the switch is on', async () => {
    const p0 = await policyWith((yaml) =>
      yaml.replace('allowSelfApprovalDuringP0: false', 'allowSelfApprovalDuringP0: true'),
    );
    expect(mayApprove(p0, 'console', request('low'), 'alice', { p0: byCarolBefore })).toMatchObject({
      ok: true,
      selfApproval: expect.stringContaining('the incident was made a P0 by') as unknown,
    });
    expect(mayApprove(p0, 'console', request('low'), 'alice', { p0: undefined }).ok).toBe(false);
  });

  it('never lets the requester unlock self-approval: P0 after the request, P0 set by them, high risk', async () => {
    const p0 = await policyWith((yaml) =>
      yaml.replace('allowSelfApprovalDuringP0: false', 'allowSelfApprovalDuringP0: true'),
    );
    const after = { by: 'carol', at: new Date(REQUESTED_AT.getTime() + 1000) };
    expect(mayApprove(p0, 'console', request('low'), 'alice', { p0: after })).toEqual({
      ok: false,
      reason:
        'you requested this fix; a second person must approve it (two-person rule): the incident became a P0 only after the request.',
    });
    const byAlice = { by: 'alice', at: new Date(REQUESTED_AT.getTime() - 1000) };
    expect(mayApprove(p0, 'console', request('low'), 'alice', { p0: byAlice })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('you made the incident a P0 yourself') as unknown,
    });
    expect(mayApprove(p0, 'console', request('high', 'bob'), 'bob', { p0: byCarolBefore })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('high-risk fixes are never self-approved') as unknown,
    });
    const highToo = await policyWith((yaml) =>
      yaml
        .replace('allowSelfApprovalDuringP0: false', 'allowSelfApprovalDuringP0: true')
        .replace('allowSelfApprovalOfHighRiskDuringP0: false', 'allowSelfApprovalOfHighRiskDuringP0: true'),
    );
    expect(mayApprove(highToo, 'console', request('high', 'bob'), 'bob', { p0: byCarolBefore }).ok).toBe(
      true,
    );
  });
});
