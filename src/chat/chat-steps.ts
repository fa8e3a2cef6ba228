// Outbox steps that talk to a chat platform through the ChatPlatform port, so every adapter (Slack,
// Teams, the console) gets durable delivery: post, update, direct message, topic, invitations, and
// the report of a step that failed for good. A step may name a channel that does not exist yet (a
// war room still being created): it carries a placeholder and `refs`, placeholder → the key of the
// step that creates the channel; at send time every placeholder is replaced by that step's stored id.
import { z } from 'zod';
import { notFound } from '../core/errors.js';
import type { Services } from '../core/services.js';
import type { NewStep } from '../scheduler/outbox.js';
import type { StepKind } from '../scheduler/step-kinds.js';
import type { Message } from './message.js';
import type { PostedMessage } from './platform.js';

export const ChatStep = {
  Post: 'chat.post',
  Update: 'chat.update',
  DirectMessage: 'chat.direct-message',
  Topic: 'chat.topic',
  Invite: 'chat.invite',
  ReportFailure: 'chat.report-failure',
} as const;

/** What a chat step does; `refs` maps placeholders in it to the keys of the steps that create those channels. */
export type ChatAction =
  | {
      kind: typeof ChatStep.Post;
      channel: string;
      /** `channel` is a name to look up when sending (the incidents channel). */
      byName?: boolean;
      /** Not posted when the channel turns out to be this one (the message is there already). */
      unless?: string;
      message: Message;
    }
  | { kind: typeof ChatStep.Update; target: PostedMessage | { step: string }; message: Message }
  | { kind: typeof ChatStep.DirectMessage; user: string; message: Message }
  | { kind: typeof ChatStep.Topic; channel: string; topic: string }
  | { kind: typeof ChatStep.Invite; channel: string; users: readonly string[] };

export interface ChatStepOptions {
  lane: string;
  /** What it is, for people, should it fail for good: "the alert of INC-7". */
  what: string;
  key?: string;
  refs?: Record<string, string>;
}

/** The outbox step of a chat action (for `services.outbox.enqueue(tx, …)`). */
export function chatStep(action: ChatAction, options: ChatStepOptions): NewStep {
  const { kind, ...payload } = action;
  const { lane, key, what, refs = {} } = options;
  return { kind, lane, key, payload: { ...payload, what, refs } };
}

// The message model is the core's own JSON, written by chatStep: its shape is checked, its blocks trusted.
const messageSchema = z.object({ text: z.string(), blocks: z.array(z.unknown()) });
const toMessage = (m: z.infer<typeof messageSchema>): Message => m as Message;
const refsSchema = z.record(z.string(), z.string()).default({});
const postedSchema = z.object({ channel: z.string(), id: z.string() });

const postSchema = z.object({
  channel: z.string(),
  byName: z.boolean().optional(),
  unless: z.string().optional(),
  message: messageSchema,
});
const updateSchema = z.object({
  target: z.union([postedSchema, z.object({ step: z.string() })]),
  message: messageSchema,
});
const dmSchema = z.object({ user: z.string(), message: messageSchema });
const topicSchema = z.object({ channel: z.string(), topic: z.string() });
const inviteSchema = z.object({ channel: z.string(), users: z.array(z.string()) });
const createdSchema = z.object({ id: z.string() });

/** The payload with every placeholder replaced by the id its step stored. */
async function withRefs(services: Services, payload: unknown): Promise<unknown> {
  const refs = refsSchema.parse((payload as { refs?: unknown } | null)?.refs);
  let text = JSON.stringify(payload);
  for (const [placeholder, key] of Object.entries(refs)) {
    if (!text.includes(placeholder)) continue;
    const { id } = createdSchema.parse(await stepResult(services, key));
    text = text.split(placeholder).join(id);
  }
  return JSON.parse(text) as unknown;
}

/** The stored result of step `key`; a step that failed for good makes this one fail too. */
async function stepResult(services: Services, key: string): Promise<unknown> {
  const result = await services.outbox.resultOf(key);
  if (result !== undefined) return result;
  if ((await services.outbox.stateOf(key)) === 'failed')
    throw notFound(`The step this one needs (${key}) failed, so this one cannot be sent.`);
  throw new Error(`step ${key} has not been sent yet`);
}

const post: StepKind = {
  kind: ChatStep.Post,
  async send(step, services) {
    const p = postSchema.parse(await withRefs(services, step.payload));
    const channel = p.byName ? await services.chat.resolveChannel(p.channel) : p.channel;
    if (channel === p.unless) return { channel, skipped: true };
    return services.chat.post(channel, toMessage(p.message));
  },
};

const update: StepKind = {
  kind: ChatStep.Update,
  async send(step, services) {
    const p = updateSchema.parse(await withRefs(services, step.payload));
    const target =
      'step' in p.target ? postedSchema.parse(await stepResult(services, p.target.step)) : p.target;
    await services.chat.update(target, toMessage(p.message));
    return target;
  },
};

const directMessage: StepKind = {
  kind: ChatStep.DirectMessage,
  async send(step, services) {
    const p = dmSchema.parse(await withRefs(services, step.payload));
    await services.chat.directMessage(p.user, toMessage(p.message));
    return { user: p.user };
  },
};

const topic: StepKind = {
  kind: ChatStep.Topic,
  async send(step, services) {
    const p = topicSchema.parse(await withRefs(services, step.payload));
    await services.chat.setTopic(p.channel, p.topic);
    return { channel: p.channel };
  },
};

const invite: StepKind = {
  kind: ChatStep.Invite,
  async send(step, services) {
    const p = inviteSchema.parse(await withRefs(services, step.payload));
    await services.chat.invite(p.channel, p.users);
    return { channel: p.channel, users: p.users };
  },
};

const failureSchema = z.object({
  what: z.string(),
  kind: z.string(),
  lane: z.string(),
  error: z.string(),
  createdAt: z.coerce.date(),
  attempts: z.number(),
});

/** Once the platform answers again: the incidents channel hears what could not be sent. */
const reportFailure: StepKind = {
  kind: ChatStep.ReportFailure,
  async send(step, services) {
    const failed = failureSchema.parse(step.payload);
    const text = services.templates.render('delivery-failed', {
      ...failed,
      retryFor: services.policy.delivery.retryFor,
    });
    const channel = await services.chat.resolveChannel(services.config.OATIE_INCIDENTS_CHANNEL);
    return services.chat.post(channel, { text, blocks: [{ kind: 'section', text }] });
  },
};

export const chatStepKinds: readonly StepKind[] = [post, update, directMessage, topic, invite, reportFailure];
