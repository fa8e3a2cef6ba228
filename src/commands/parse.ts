// Parses any text into a typed command or a helpful error. Never throws.
import { ErrorCode } from '../core/errors.js';
import { stripControl } from '../chat/message.js';
import { controlCharacterIn } from '../chat/text-hygiene.js';
import { catalog, commandNames, type Command, type CommandName, type CommandSpec } from './catalog.js';
import { closest } from './suggest.js';
import { MAX_INPUT_LENGTH, tokenize } from './tokenize.js';

export interface ParseError {
  code: typeof ErrorCode.BadArgument | typeof ErrorCode.UnknownCommand;
  message: string;
  usage?: string;
  /** The command the text was probably meant to be, when there is one. */
  suggestion?: string;
}

export type ParseResult = { ok: true; command: Command } | { ok: false; error: ParseError };

const fail = (error: ParseError): ParseResult => ({ ok: false, error });

/** What the parser answers if it ever throws inside (a bug): tests assert it never appears. */
export const PARSER_FAILURE = 'That command could not be read.';

export function parseCommand(input: string): ParseResult {
  try {
    return parseUnsafe(input);
  } catch {
    // The grammar is data and zod reports by value, so this is not expected; but the promise is "never throws".
    return fail({ code: ErrorCode.BadArgument, message: PARSER_FAILURE, usage: 'help' });
  }
}

function parseUnsafe(input: string): ParseResult {
  if (input.length > MAX_INPUT_LENGTH) {
    return fail({
      code: ErrorCode.BadArgument,
      message: `That is too long for a command (${input.length} characters; at most ${MAX_INPUT_LENGTH}).`,
    });
  }
  // A control character is never typed: pasted into `12\u00003` it must not turn into pid 123.
  const control = controlCharacterIn(input);
  if (control !== undefined) {
    return fail({
      code: ErrorCode.BadArgument,
      message: `That command contains an invisible control character (${control}), so it was not run. Type it again rather than pasting it.`,
    });
  }
  let tokens = tokenize(stripControl(input));
  if (tokens[0]?.toLowerCase() === '/oatie') tokens = tokens.slice(1);
  if (tokens.length === 0) return { ok: true, command: { name: 'help', args: {} } };

  const match = matchCommand(tokens);
  if (!match) return unknownCommand(tokens);
  const [name, spec] = match;
  return bindArguments(name, spec, tokens.slice(spec.words.length));
}

/** The command whose words are the longest prefix of the tokens. */
function matchCommand(tokens: readonly string[]): [CommandName, CommandSpec] | undefined {
  let best: [CommandName, CommandSpec] | undefined;
  for (const name of commandNames) {
    const spec: CommandSpec = catalog[name];
    const matches = spec.words.every((w, i) => tokens[i]?.toLowerCase() === w);
    if (matches && (!best || spec.words.length > best[1].words.length)) best = [name, spec];
  }
  return best;
}

function unknownCommand(tokens: readonly string[]): ParseResult {
  const first = (tokens[0] ?? '').toLowerCase();
  const groups = [...new Set(commandNames.map((n) => catalog[n].words[0] ?? ''))];
  if (groups.includes(first)) {
    // A known group with an unknown subcommand, e.g. `db conections`.
    const subs = commandNames.filter((n) => catalog[n].words[0] === first && catalog[n].words.length > 1);
    const guess = closest(
      tokens[1] ?? '',
      subs.map((n) => catalog[n].words[1] ?? ''),
    );
    const guessed = subs.find((n) => catalog[n].words[1] === guess);
    return fail({
      code: ErrorCode.UnknownCommand,
      message:
        tokens[1] === undefined
          ? `\`${first}\` needs a subcommand.`
          : `\`${first}\` has no subcommand \`${shortWord(tokens[1])}\`.`,
      suggestion: guessed ? catalog[guessed].usage : undefined,
      usage: subs.map((n) => catalog[n].usage).join('\n'),
    });
  }
  const guess = closest(first, groups);
  return fail({
    code: ErrorCode.UnknownCommand,
    message: `Unknown command \`${shortWord(first)}\`.`,
    suggestion: guess,
    usage: 'help',
  });
}

/** Quoting a typed word back is useful for typos; keep it short and free of anything that renders. */
function shortWord(word: string): string {
  const cleaned = word.replace(/[^A-Za-z0-9_.:-]/g, '');
  return cleaned.length > 24 ? `${cleaned.slice(0, 23)}…` : cleaned || '?';
}

function bindArguments(name: CommandName, spec: CommandSpec, tokens: readonly string[]): ParseResult {
  const values: Record<string, unknown> = {};
  const positional: string[] = [];
  const usageError = (message: string): ParseResult =>
    fail({ code: ErrorCode.BadArgument, message, usage: spec.usage });

  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i] ?? '';
    const flagMatch = /^--([a-z][a-z-]*)(?:=(.*))?$/i.exec(token);
    // Free text (titles, updates) may contain "--"; flags are read only where the command has them.
    if (flagMatch && Object.keys(spec.flags).length > 0) {
      const flagName = (flagMatch[1] ?? '').toLowerCase();
      const flag = spec.flags[flagName];
      if (!flag) {
        const known = Object.keys(spec.flags)
          .map((f) => `--${f}`)
          .join(', ');
        return usageError(`\`${name}\` has no option --${shortWord(flagName)}; it takes ${known}.`);
      }
      if (flag.kind === 'boolean') {
        values[flag.arg] = true;
        continue;
      }
      const value = flagMatch[2] ?? tokens[i + 1];
      if (value === undefined || (flagMatch[2] === undefined && value.startsWith('--'))) {
        return usageError(`--${flagName} needs a value.`);
      }
      if (flagMatch[2] === undefined) i += 1;
      values[flag.arg] = value;
      continue;
    }
    positional.push(token);
  }

  // `incident resolve INC-1 …`: a leading reference names the incident (only the INC- spelling, so
  // free text that starts with a number stays text).
  if (spec.incidentRef === true && /^inc-\d{1,9}$/i.test(positional[0] ?? '')) {
    values.incident = positional.shift();
  }
  spec.positional.forEach((argName, i) => {
    const value = positional[i];
    if (value !== undefined) values[argName] = value;
  });
  const extra = positional.slice(spec.positional.length);
  if (spec.rest !== undefined && extra.length > 0) values[spec.rest] = extra.join(' ');

  const parsed = spec.schema.safeParse(values);
  if (!parsed.success) {
    const typo = subcommandTypo(spec, positional[0]);
    if (typo) return typo;
    const issue = parsed.error.issues[0];
    const argName = String(issue?.path[0] ?? 'argument');
    const shown = displayName(spec, argName);
    const missing = values[argName] === undefined;
    return usageError(missing ? `Missing ${shown}.` : `${shown}: ${issue?.message ?? 'invalid value'}.`);
  }
  if (spec.rest === undefined && extra.length > 0) {
    return usageError(
      `\`${name}\` takes ${spec.positional.length === 0 ? 'no arguments' : `at most ${spec.positional.length} argument(s)`}.`,
    );
  }
  return { ok: true, command: { name, args: parsed.data } as Command };
}

/** `incident ackk`: the word after a group that also is a command reads as an argument; see if it was a typo. */
function subcommandTypo(spec: CommandSpec, word: string | undefined): ParseResult | undefined {
  if (word === undefined) return undefined;
  const children = commandNames.filter(
    (n) =>
      catalog[n].words.length === spec.words.length + 1 &&
      spec.words.every((w, i) => catalog[n].words[i] === w),
  );
  const guess = closest(
    word,
    children.map((n) => catalog[n].words[spec.words.length] ?? ''),
  );
  const guessed = children.find((n) => catalog[n].words[spec.words.length] === guess);
  if (!guessed) return undefined;
  return fail({
    code: ErrorCode.UnknownCommand,
    message: `\`${spec.words.join(' ')}\` has no subcommand \`${shortWord(word)}\`.`,
    suggestion: catalog[guessed].usage,
    usage: [spec.usage, ...children.map((n) => catalog[n].usage)].join('\n'),
  });
}

/** How an argument is named to people: `--older-than` for flags, `<report-id>` for the rest. */
function displayName(spec: CommandSpec, argName: string): string {
  const flag = Object.entries(spec.flags).find(([, f]) => f.arg === argName);
  if (flag) return `--${flag[0]}`;
  return `<${argName.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}>`;
}
