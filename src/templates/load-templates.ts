// Loads the Handlebars templates of templates/ (and OATIE_TEMPLATES_DIR overrides) at start-up.
// Every template is compiled at once, so a broken one stops the bot with its file and line instead
// of failing the first time someone declares an incident.
import { readdir, readFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
import Handlebars from 'handlebars';
import { formatDuration } from '../core/duration.js';
import { ROOT } from '../core/root.js';
import { formatDate, formatDateTime, formatTime, formatTimeRange } from '../core/time-zone.js';
import { channelRef, mention } from '../chat/message.js';
import type { TemplateRenderer } from './renderer.js';

/** templates/ of the repository (or of the image), with its trailing slash. */
export const DEFAULT_TEMPLATES_DIR = join(ROOT, 'templates') + sep;

type Render = (data: object) => string;

/** The opcode compiler every Handlebars environment carries (what compile() and precompile() run first). */
interface HandlebarsCompiler {
  Compiler: new () => { compile(program: hbs.AST.Program, options: CompileOptions): unknown };
}

/** Loads and compiles every `*.hbs`; files in `overrideDir` replace those of the same name. */
export async function loadTemplates(
  overrideDir: string | undefined,
  timeZone = 'UTC',
): Promise<TemplateRenderer> {
  const files = new Map<string, string>();
  for (const dir of [DEFAULT_TEMPLATES_DIR, overrideDir]) {
    if (dir === undefined) continue;
    for (const file of await templateFiles(dir)) files.set(file.slice(0, -'.hbs'.length), join(dir, file));
  }
  const env = Handlebars.create();
  const helpers = templateHelpers(timeZone);
  env.registerHelper(helpers);
  const knownHelpers = Object.fromEntries(Object.keys(helpers).map((name) => [name, true]));
  const compiled = new Map<string, Render>();
  for (const [name, path] of files) {
    const source = await readFile(path, 'utf8');
    compiled.set(name, compileTemplate(env, source, path, knownHelpers));
  }
  return {
    render(name: string, data: object): string {
      const template = compiled.get(name);
      if (!template) throw new Error(`template ${name} is not loaded`);
      return tidy(template(data));
    },
  };
}

async function templateFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((f) => f.endsWith('.hbs')).sort();
  } catch (error) {
    // Not `instanceof Error`: errors from node:fs may come from another realm (jest's vm).
    const code =
      typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'unreadable';
    throw new Error(`${dir}: cannot read the templates directory (${code})`);
  }
}

function compileTemplate(
  env: typeof Handlebars,
  source: string,
  path: string,
  knownHelpers: Record<string, boolean>,
): Render {
  // Plain neutral text: adapters escape for their platform, so Handlebars must not HTML-escape.
  // knownHelpersOnly turns a misspelt helper into a compile error at start-up.
  const options = { noEscape: true, knownHelpers, knownHelpersOnly: true };
  try {
    // Parsed and checked (syntax, unknown helpers) now, at half precompile()'s cost: the template's
    // JavaScript is generated at its first render. Handlebars' typings leave its Compiler out.
    const { Compiler } = env as unknown as HandlebarsCompiler;
    new Compiler().compile(env.parse(source), { ...options, data: true });
  } catch (error) {
    throw new Error(describeCompileError(error, path));
  }
  const template = env.compile<object>(source, options);
  return (data) => template(data);
}

/** `templates/x.hbs:3: Expecting 'CLOSE', got 'EOF'` from Handlebars' two kinds of error. */
function describeCompileError(error: unknown, path: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const parse = /^Parse error on line (\d+):[\s\S]*\n([^\n]*)$/.exec(message);
  if (parse) return `${path}:${parse[1]}: ${parse[2]}`;
  const line = error instanceof Error && 'lineNumber' in error ? Number(error.lineNumber) : undefined;
  const reason = message.replace(/ - \d+:\d+$/, '');
  return `${path}:${line ?? 1}: ${reason}`;
}

/** Trailing spaces go; runs of blank lines (from {{#if}} blocks) fold into one. */
function tidy(text: string): string {
  return text
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function toDate(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  if (typeof value === 'string' || typeof value === 'number') {
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? undefined : date;
  }
  return undefined;
}

/** Helpers receive Handlebars' options object last; only the leading values matter here. */
type Helper = (...args: unknown[]) => string;

function dateHelper(format: (at: Date) => string): Helper {
  return (value) => {
    const date = toDate(value);
    return date ? format(date) : '';
  };
}

/** The helpers every template may use. */
export function templateHelpers(zone: string): Record<string, Helper> {
  return {
    /** {{duration ms}} → "45 minutes" */
    duration: (ms) => (typeof ms === 'number' ? formatDuration(ms) : ''),
    /** {{time at}} → "14:30 UTC" */
    time: dateHelper((d) => formatTime(d, zone)),
    /** {{date at}} → "2024-01-15" */
    date: dateHelper((d) => formatDate(d, zone)),
    /** {{datetime at}} → "2024-01-15 14:30 UTC" */
    datetime: dateHelper((d) => formatDateTime(d, zone)),
    /** {{timeRange from to}} → "14:30 - 15:15 UTC" */
    timeRange: (from, to) => {
      const a = toDate(from);
      const b = toDate(to);
      return a && b ? formatTimeRange(a, b, zone) : '';
    },
    /** {{mention userId}} → a mention the chat platform renders */
    mention: (id) => (typeof id === 'string' && id !== '' ? mention(id) : ''),
    /** {{channel channelId}} → a link to the channel */
    channel: (id) => (typeof id === 'string' && id !== '' ? channelRef(id) : ''),
    /** {{upper text}} → "INVESTIGATING" */
    upper: (text) => (typeof text === 'string' ? text.toUpperCase() : ''),
  };
}
