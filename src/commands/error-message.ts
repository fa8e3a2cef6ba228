// One place that turns errors into what people read. Never a stack trace in a channel.
import type { Message } from '../chat/message.js';
import { ErrorCode, type OpsError } from '../core/errors.js';
import type { ParseError } from './parse.js';

const ICON: Record<ErrorCode, string> = {
  BAD_ARGUMENT: '⚠️',
  UNKNOWN_COMMAND: '❓',
  NOT_CONFIGURED: '⚙️',
  TARGET_DOWN: '🔌',
  TIMEOUT: '⏱️',
  FORBIDDEN: '⛔',
  NOT_FOUND: '🔍',
  CONFLICT: '⚠️',
  NOT_AVAILABLE: '🚧',
  INTERNAL: '💥',
};

export function parseErrorMessage(error: ParseError): Message {
  const lines = [`${ICON[error.code]} ${error.message}`];
  if (error.suggestion) lines.push(`Did you mean \`${error.suggestion}\`?`);
  const blocks: Message['blocks'] = [{ kind: 'section', text: lines.join('\n') }];
  if (error.usage) blocks.push({ kind: 'code', text: `Usage:\n${error.usage}` });
  return { text: lines.join(' '), blocks };
}

export function opsErrorMessage(error: OpsError): Message {
  const text = `${ICON[error.code]} ${error.message}`;
  const blocks: Message['blocks'] = [{ kind: 'section', text }];
  if (error.hint) blocks.push({ kind: 'context', text: error.hint });
  return { text, blocks };
}

export function internalErrorMessage(reference: string): Message {
  const text = `${ICON.INTERNAL} Something went wrong on our side (reference ${reference}). Nothing more was done; the details are in the bot's log.`;
  return { text, blocks: [{ kind: 'section', text }] };
}

export function notAvailableMessage(command: string): Message {
  const text = `${ICON.NOT_AVAILABLE} \`${command}\` is not available yet.`;
  return { text, blocks: [{ kind: 'section', text }] };
}
