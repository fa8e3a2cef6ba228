// The handlers of incident buttons (Acknowledge, Post update, Resolve) and form submissions. Payloads
// and submitted values are validated here; the incident is looked up again, never trusted.
import { z } from 'zod';
import { channelRef, mention, textMessage } from '../chat/message.js';
import { canOpenForm } from '../chat/platform.js';
import {
  defineAction,
  toCaller,
  type ActionContext,
  type ActionHandler,
  type ActionOutcome,
  type Reply,
} from '../commands/handler.js';
import { severity as severityArg, updateStatus } from '../commands/args.js';
import { catalog } from '../commands/catalog.js';
import { badArgument } from '../core/errors.js';
import { acknowledgeIncident } from './flows/acknowledge.js';
import { declareIncident } from './flows/declare.js';
import { postIncidentUpdate } from './flows/post-update.js';
import { resolveIncident } from './flows/resolve.js';
import { IncidentAction } from './incident-action-kinds.js';
import { authorizeIncident } from './incident-access.js';
import { resolveForm, updateForm, type ButtonFrom } from './incident-forms.js';
import { incidentById } from './incident-lookup.js';
import { guardTransition, incidentRef, type Incident } from './incident-model.js';

const incidentPayload = z.object({ incidentId: z.number().int().positive() });
/** Which copy of the button was pressed (see ButtonFrom); the alert's own carries no mark. */
const fromPayload = z.object({ from: z.enum(['reminder', 'escalation']).optional() });
const fromOf = (ctx: ActionContext): ButtonFrom | undefined => fromPayload.safeParse(ctx.payload).data?.from;
const channelPayload = z.object({ channel: z.string().min(1).max(200) });

/** Submitted values, validated; a bad value is a clear answer, not a crash. */
function valuesOf<S extends z.ZodType>(schema: S, ctx: ActionContext): z.output<S> {
  const parsed = schema.safeParse(ctx.values ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw badArgument(`${String(issue?.path[0] ?? 'The form')}: ${issue?.message ?? 'invalid value'}.`);
  }
  return parsed.data;
}

/** The incident the button or form points at, once the caller is allowed to act on it. */
async function incidentOf(ctx: ActionContext, command: string): Promise<Incident> {
  const incident = await incidentById(ctx.services, incidentPayload.parse(ctx.payload).incidentId);
  await authorizeIncident(ctx.services, ctx, { right: 'act', command, incident });
  return incident;
}

const optionalText = z.string().optional();

const ack = defineAction(IncidentAction.Ack, async (ctx): Promise<ActionOutcome> => {
  const acked = await acknowledgeIncident(
    ctx.services,
    await incidentOf(ctx, 'incident ack (button)'),
    ctx.caller,
  );
  // The alert's own button: its flow has refreshed the alert already. An escalation's copy is retired here.
  if (fromOf(ctx) !== 'escalation') return {};
  return { clicked: { note: `✅ ${mention(ctx.caller)} acknowledged ${incidentRef(acked)}` } };
});

const updateButton = defineAction(IncidentAction.Update, async (ctx): Promise<ActionOutcome> => {
  const incident = await incidentOf(ctx, 'incident update (button)');
  guardTransition(incident, 'update', ctx.services.config.OATIE_TIMEZONE);
  // A reminder's button is done once the update is posted (the form's submission says so), not now.
  if (canOpenForm(ctx.services.chat, ctx.trigger)) {
    const form = await updateForm(ctx.services, incident, {}, fromOf(ctx));
    return { replies: [{ kind: 'form', form }] };
  }
  return typeIt(`incident update <investigating|identified|monitoring> <text>`, incident);
});

const resolveButton = defineAction(IncidentAction.Resolve, async (ctx): Promise<ActionOutcome> => {
  const incident = await incidentOf(ctx, 'incident resolve (button)');
  guardTransition(incident, 'resolve', ctx.services.config.OATIE_TIMEZONE);
  if (canOpenForm(ctx.services.chat, ctx.trigger))
    return { replies: [{ kind: 'form', form: await resolveForm(ctx.services, incident, {}) }] };
  return typeIt('incident resolve <root cause>', incident);
});

function typeIt(usage: string, incident: Incident): ActionOutcome {
  return { replies: [toCaller(textMessage(`Type \`${usage}\` in ${channelRef(incident.channel)}.`))] };
}

/** Replies meant for the channel go there directly (a form or a private question has no channel reply path). */
async function postChannelReplies(
  ctx: ActionContext,
  channel: string,
  replies: Reply[],
): Promise<ActionOutcome> {
  for (const reply of replies) {
    if (reply.kind === 'message' && reply.to === 'channel')
      await ctx.services.chat.post(channel, reply.message);
  }
  return { replies: replies.filter((r) => !(r.kind === 'message' && r.to === 'channel')) };
}

const declarationPayload = z.object({
  severity: severityArg,
  title: z.string(),
  service: optionalText,
  impact: optionalText,
  channel: z.string().min(1).max(200),
});

const declareAnyway = defineAction(IncidentAction.DeclareAnyway, async (ctx) => {
  const d = declarationPayload.parse(ctx.payload);
  await authorizeIncident(
    ctx.services,
    { ...ctx, channel: d.channel },
    { right: 'declare', command: 'incident declare (another)' },
  );
  const replies = await declareIncident(ctx.services, { ...d, caller: ctx.caller, confirmedTwin: true });
  const outcome = await postChannelReplies(ctx, d.channel, replies);
  return { ...outcome, clicked: { note: `🚨 ${mention(ctx.caller)} declared another incident` } };
});

const declareSubmitted = defineAction(IncidentAction.DeclareForm, async (ctx) => {
  const { channel } = channelPayload.parse(ctx.payload);
  await authorizeIncident(
    ctx.services,
    { ...ctx, channel },
    { right: 'declare', command: 'incident declare (form)' },
  );
  const v = valuesOf(
    z.object({ severity: severityArg, title: z.string(), service: optionalText, impact: optionalText }),
    ctx,
  );
  const replies = await declareIncident(ctx.services, { ...v, caller: ctx.caller, channel });
  // A form submission arrives from a modal, not from a channel: what was meant for the channel the
  // form was opened in goes there directly.
  for (const reply of replies) {
    if (reply.kind === 'message' && reply.to === 'channel')
      await ctx.services.chat.post(channel, reply.message);
  }
  return { replies: replies.filter((r) => !(r.kind === 'message' && r.to === 'channel')) };
});

const updateSubmitted = defineAction(IncidentAction.UpdateForm, async (ctx) => {
  const incident = await incidentOf(ctx, 'incident update (form)');
  const v = valuesOf(
    z.object({
      status: updateStatus,
      text: z.string(),
      public: z.enum(['yes', 'no']).optional(),
      eta: z
        .string()
        .trim()
        .transform((s) => (s === '' ? undefined : s))
        // The very schema of the typed `--eta`: the same grammar and bounds.
        .pipe(catalog['incident update'].schema.shape.eta)
        .optional(),
    }),
    ctx,
  );
  const replies = await postIncidentUpdate(ctx.services, incident, {
    status: v.status,
    text: v.text,
    ...(v.eta === undefined ? {} : { etaMs: v.eta }),
    public: v.public === 'yes',
    author: ctx.caller,
  });
  if (fromOf(ctx) !== 'reminder') return { replies };
  return {
    replies,
    clicked: { note: `📝 ${mention(ctx.caller)} posted an update to ${incidentRef(incident)}` },
  };
});

const resolveSubmitted = defineAction(IncidentAction.ResolveForm, async (ctx) => {
  const incident = await incidentOf(ctx, 'incident resolve (form)');
  const v = valuesOf(
    z.object({ rootCause: z.string(), resolution: optionalText, prevention: optionalText }),
    ctx,
  );
  await resolveIncident(ctx.services, incident, { ...v, by: ctx.caller });
  return {};
});

export const incidentActions: readonly ActionHandler[] = [
  ack,
  declareAnyway,
  updateButton,
  resolveButton,
  declareSubmitted,
  updateSubmitted,
  resolveSubmitted,
];
