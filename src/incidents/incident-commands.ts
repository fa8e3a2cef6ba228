// The handlers of the `incident …` commands. Commands about one incident act on the incident they
// name (`INC-n`, from any channel) or else the one living in the channel they are typed in, under the
// same authorisation either way; `incident` and `incident list` work anywhere.
import { canOpenForm } from '../chat/platform.js';
import { defineCommand, toChannel, type CommandContext, type CommandHandler } from '../commands/handler.js';
import { badArgument } from '../core/errors.js';
import { acknowledgeIncident } from './flows/acknowledge.js';
import { changeSeverity } from './flows/change-severity.js';
import { DECLARE_USAGE, declareIncident } from './flows/declare.js';
import { UPDATE_USAGE, postIncidentUpdate } from './flows/post-update.js';
import { RESOLVE_USAGE, resolveIncident } from './flows/resolve.js';
import { authorizeIncident } from './incident-access.js';
import { declareForm, resolveForm, updateForm } from './incident-forms.js';
import { incidentFor } from './incident-lookup.js';
import { guardTransition, type Incident } from './incident-model.js';
import { listEvents } from './incident-events.js';
import { listOpenIncidents } from './incident-store.js';
import { listMessage, timelineMessage } from './incident-views.js';
import { oncall } from './oncall-command.js';

const declare = defineCommand('incident declare', async (ctx) => {
  const { args, caller, channel, trigger, services } = ctx;
  await authorizeIncident(services, ctx, { right: 'declare', command: ctx.name });
  const { severity, title, service, impact } = args;
  if (severity === undefined || title === undefined) {
    if (canOpenForm(services.chat, trigger))
      return { kind: 'form', form: await declareForm(services, channel, args) };
    throw badArgument(
      severity === undefined
        ? 'Which severity? Start with p0, p1, p2 or p3.'
        : 'An incident needs a title that says what is broken.',
      DECLARE_USAGE,
    );
  }
  return declareIncident(services, { severity, title, service, impact, caller, channel });
});

/** The incident named (`INC-n`) or else the channel's, once the caller is allowed to act on it. */
async function incidentToActOn(ctx: CommandContext, ref: number | undefined): Promise<Incident> {
  const incident = await incidentFor(ctx.services, ctx.channel, ref);
  await authorizeIncident(ctx.services, ctx, { right: 'act', command: ctx.name, incident });
  return incident;
}

const ack = defineCommand('incident ack', async (ctx) => {
  await acknowledgeIncident(ctx.services, await incidentToActOn(ctx, ctx.args.incident), ctx.caller);
  return undefined;
});

const update = defineCommand('incident update', async (ctx) => {
  const { args, caller, trigger, services } = ctx;
  const incident = await incidentToActOn(ctx, args.incident);
  if (args.status === undefined || args.text === undefined) {
    guardTransition(incident, 'update', services.config.OATIE_TIMEZONE);
    if (canOpenForm(services.chat, trigger))
      return { kind: 'form', form: await updateForm(services, incident, args) };
    throw badArgument(
      args.status === undefined
        ? 'Which status: investigating, identified or monitoring?'
        : 'An update needs a text saying what changed.',
      UPDATE_USAGE,
    );
  }
  return postIncidentUpdate(services, incident, {
    status: args.status,
    text: args.text,
    public: args.public,
    etaMs: args.eta,
    author: caller,
  });
});

const severity = defineCommand('incident severity', async (ctx) => {
  const incident = await incidentToActOn(ctx, ctx.args.incident);
  await changeSeverity(ctx.services, incident, ctx.args.severity, ctx.caller);
  return undefined;
});

const resolve = defineCommand('incident resolve', async (ctx) => {
  const { args, caller, trigger, services } = ctx;
  const incident = await incidentToActOn(ctx, args.incident);
  if (args.rootCause === undefined) {
    guardTransition(incident, 'resolve', services.config.OATIE_TIMEZONE);
    if (canOpenForm(services.chat, trigger))
      return { kind: 'form', form: await resolveForm(services, incident, args) };
    throw badArgument('Resolving needs the root cause.', RESOLVE_USAGE);
  }
  await resolveIncident(services, incident, {
    rootCause: args.rootCause,
    resolution: args.resolution,
    prevention: args.prevention,
    by: caller,
  });
  return undefined;
});

const list = defineCommand('incident list', async ({ services }) =>
  toChannel(await listMessage(services, await listOpenIncidents(services.db))),
);

const timeline = defineCommand('incident timeline', async ({ args, channel, services }) => {
  const incident = await incidentFor(services, channel, args.incident);
  return toChannel(await timelineMessage(services, incident, await listEvents(services.db, incident.id)));
});

export const incidentCommands: readonly CommandHandler[] = [
  declare,
  ack,
  update,
  severity,
  resolve,
  list,
  timeline,
  oncall,
];
