// Delivers a handler's replies on a platform: to the channel, or privately to the caller.
import type { Reply } from '../commands/handler.js';
import { canOpenForm, type ChatPlatform } from './platform.js';
import { textMessage } from './message.js';

export async function deliverReplies(
  platform: ChatPlatform,
  replies: readonly Reply[],
  where: { channel: string; caller: string; trigger?: string },
): Promise<void> {
  for (const reply of replies) {
    if (reply.kind === 'form') {
      if (canOpenForm(platform, where.trigger)) {
        await platform.openForm(where.trigger, reply.form, where.channel);
      } else {
        await platform.postPrivate(
          where.channel,
          where.caller,
          textMessage(
            `${reply.form.title}: this needs a form, which ${platform.name} cannot show; type the command with its arguments instead.`,
          ),
        );
      }
    } else if (reply.to === 'caller') {
      await platform.postPrivate(where.channel, where.caller, reply.message);
    } else {
      await platform.post(where.channel, reply.message);
    }
  }
}
