// Teams card text in ONE place: plain text from the core is escaped for the Adaptive Card Markdown
// subset (so `*bold*`, `[link](…)`, `# heading` or `- list` typed by a user stay literal), and mention
// tokens become <at>Name</at> with the mention entity Teams needs to ping the person.
import { splitMentions } from '../message.js';

/** A Teams mention entity, as Adaptive Cards carry them in `msteams.entities`. */
export interface MentionEntity {
  type: 'mention';
  text: string;
  mentioned: { id: string; name: string };
}

/** AAD object ids (what the policy's `teams:` holds) and Teams user ids (29:…) can be mentioned. */
const MENTIONABLE = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|29:[\w.:-]{1,200})$/i;
const ELLIPSIS = '…';

/** Escapes a literal run for the card Markdown subset. */
export function escapeCardMarkdown(text: string): string {
  return (
    text
      // Inline markers anywhere: emphasis, links, code, strike-through, and backslash itself.
      .replace(/[\\`*_[\]()~]/g, (c) => `\\${c}`)
      // Block markers at a line start: headings, lists, quotes, rules.
      .replace(/^(\s*)([#>+-])/gm, '$1\\$2')
      .replace(/^(\s*\d+)\./gm, '$1\\.')
      // <at> tags are Teams mentions: typed ones must not bind to an entity of the card.
      .replace(/<(\/?at)/gi, '<\u2060$1')
  );
}

/** Text with its mentions resolved: `names` gives each id a display name (else the id stands). */
export class CardText {
  readonly entities: MentionEntity[] = [];
  private readonly mentioned = new Set<string>();

  constructor(private readonly names: ReadonlyMap<string, string>) {}

  private nameOf(id: string): string {
    return (this.names.get(id) ?? id).replace(/[<>]/g, '');
  }

  /** Neutral text as escaped card Markdown with mentions, at most `max` characters (… when cut). */
  markdown(text: string, max: number): string {
    const parts = splitMentions(text).map((part) => {
      if (part.kind === 'text') return { text: escapeCardMarkdown(part.text), atomic: false };
      if (part.kind === 'user' && MENTIONABLE.test(part.id)) {
        const tag = `<at>${this.nameOf(part.id)}</at>`;
        return { text: tag, atomic: true, mention: { id: part.id, tag } };
      }
      const prefix = part.kind === 'user' ? '@' : '#';
      return { text: escapeCardMarkdown(`${prefix}${this.nameOf(part.id)}`), atomic: false };
    });
    let out = '';
    const total = parts.reduce((n, p) => n + p.text.length, 0);
    const room = total <= max ? max : max - ELLIPSIS.length;
    for (const part of parts) {
      if (out.length + part.text.length > room) {
        // Never leave half an escape (a lone backslash) at the cut.
        if (!part.atomic) out += part.text.slice(0, room - out.length).replace(/\\$/, '');
        break;
      }
      out += part.text;
      if ('mention' in part && part.mention && !this.mentioned.has(part.mention.tag)) {
        this.mentioned.add(part.mention.tag);
        this.entities.push({
          type: 'mention',
          text: part.mention.tag,
          mentioned: { id: part.mention.id, name: this.nameOf(part.mention.id) },
        });
      }
    }
    return total <= max ? out : out + ELLIPSIS;
  }

  /** Plain text (button titles, fact titles): no mentions, one line, at most `max` characters. */
  plain(text: string, max: number): string {
    const flat = splitMentions(text)
      .map((p) => (p.kind === 'text' ? p.text : `${p.kind === 'user' ? '@' : '#'}${this.nameOf(p.id)}`))
      .join('')
      .replace(/\s+/g, ' ')
      .trim();
    return flat.length <= max ? flat : `${flat.slice(0, max - 1)}${ELLIPSIS}`;
  }
}

/** A line of fixed-width text: escaped, with spaces made non-breaking so columns keep their alignment. */
export function monospaceLine(line: string): string {
  return escapeCardMarkdown(line).replace(/ /g, '\u00a0');
}
