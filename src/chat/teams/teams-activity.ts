// What the bot reads of a Bot Framework activity, through zod: who (AAD object id), where (the
// conversation, its tenant, its channel and team), and the text or card action. Everything else in
// an activity is ignored; the core trusts only the caller's id and the stored action id.
import { z } from 'zod';

const account = z.looseObject({
  id: z.string().min(1).max(500),
  name: z.string().max(500).optional(),
  aadObjectId: z.string().min(1).max(100).optional(),
});

export const activitySchema = z.looseObject({
  type: z.string().min(1).max(100),
  id: z.string().max(500).optional(),
  name: z.string().max(200).optional(),
  serviceUrl: z.url().max(2000),
  from: account,
  recipient: account,
  conversation: z.looseObject({
    id: z.string().min(1).max(1000),
    conversationType: z.string().max(50).optional(),
    tenantId: z.string().max(100).optional(),
  }),
  channelData: z
    .looseObject({
      tenant: z.looseObject({ id: z.string().max(100) }).optional(),
      channel: z.looseObject({ id: z.string().max(1000), name: z.string().max(500).optional() }).optional(),
      team: z.looseObject({ id: z.string().max(1000), name: z.string().max(500).optional() }).optional(),
    })
    .optional(),
  replyToId: z.string().max(500).optional(),
  text: z.string().optional(),
  value: z.unknown().optional(),
});

export type SeenActivity = z.output<typeof activitySchema>;

/** The value of an adaptiveCard/action invoke that one of our buttons sent. */
export const cardActionSchema = z.object({
  action: z.looseObject({
    type: z.literal('Action.Execute'),
    verb: z.string().max(200),
    data: z.looseObject({ actionId: z.string().min(1).max(200) }),
  }),
});

export const tenantOf = (a: SeenActivity): string | undefined =>
  a.channelData?.tenant?.id ?? a.conversation.tenantId;

/** Who acted: the AAD object id (what the policy's `teams:` holds), else the Teams id (emulator). */
export const callerOf = (a: SeenActivity): string => a.from.aadObjectId ?? a.from.id;

export const baseChannel = (id: string): string => id.replace(/;messageid=[^;]*$/, '');

export const isChannel = (a: SeenActivity): boolean =>
  a.conversation.conversationType === 'channel' ||
  (a.conversation.id.startsWith('19:') && a.channelData?.channel !== undefined);

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  '#39': "'",
};

/**
 * The command typed: the bot's mention taken out, other mentions kept as their names, stray HTML
 * (rich text pasted into Teams) dropped, entities decoded, and a leading `/oatie` or `oatie` ignored.
 */
export function commandText(a: SeenActivity): string {
  const botName = a.recipient.name?.trim();
  let text = a.text ?? '';
  // Teams writes the bot's mention as <at>Bot name</at>; the first one addresses the bot.
  text = botName ? text.replace(new RegExp(`<at>\\s*${escapeRegExp(botName)}\\s*</at>`, 'i'), ' ') : text;
  text = text.replace(/^\s*<at>[^<]{0,200}<\/at>/i, ' ');
  text = text
    .replace(/<at>([^<]{0,200})<\/at>/gi, '$1')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<[^>]{0,500}>/g, '')
    .replace(/&(amp|lt|gt|quot|apos|nbsp|#39);/g, (_, name: string) => ENTITIES[name] ?? '');
  return text.trim().replace(/^\/?oatie\b\s*/i, '');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
