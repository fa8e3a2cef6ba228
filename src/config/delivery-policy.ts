// Policy `delivery:` — how long the outbox keeps retrying a chat side effect before it gives up.
import { z } from 'zod';
import { parseDuration } from '../core/duration.js';

const THIRTY_MINUTES = 30 * 60_000;

export const deliveryPolicy = z
  .strictObject({
    /** How long a war room, alert, reminder … is retried while the chat platform fails (e.g. 30m). */
    retryFor: z
      .string()
      .transform((text, ctx) => {
        const ms = parseDuration(text);
        if (ms === undefined || ms < 1000) {
          ctx.addIssue({
            code: 'custom',
            message: `"${text}" is not a duration of at least 1s like 90s, 30m or 2h`,
          });
          return z.NEVER;
        }
        return ms;
      })
      .default(THIRTY_MINUTES),
  })
  .default({ retryFor: THIRTY_MINUTES });
