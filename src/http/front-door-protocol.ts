// What the main thread and the front door's thread (front-door-worker.ts) say to each other.
import { z } from 'zod';
import type { PassedRequest } from '../chat/slack/slack-request-gate.js';

export const frontDoorSettings = z.object({
  /** Where the bot listens (PORT; 0: a free port). */
  port: z.number().int().min(0).max(65535),
  host: z.string().optional(),
  /** The main thread's own HTTP server on 127.0.0.1, where everything not acked here goes. */
  innerPort: z.number().int().min(1).max(65535),
  slackPath: z.string().startsWith('/'),
  signingSecret: z.string().min(1),
  bodyLimit: z.number().int().positive(),
  /** Requests acked here and not finished by the main thread, at most. */
  admitLimit: z.number().int().positive(),
  /** One Int32: how many requests acked here are not finished (the main thread counts them down). */
  admitted: z.instanceof(SharedArrayBuffer),
});
export type FrontDoorSettings = z.infer<typeof frontDoorSettings>;

export type FromFrontDoor =
  | { kind: 'listening'; port: number }
  | { kind: 'failed'; message: string }
  | { kind: 'passed'; request: PassedRequest }
  | { kind: 'log'; level: 'warn' | 'error'; msg: string; fields: Record<string, unknown> }
  | { kind: 'closed' };

export type ToFrontDoor = { kind: 'close' };
