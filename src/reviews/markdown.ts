// Markdown for the post-incident review: user text (titles, updates, root causes) is escaped so it
// reads as written and cannot add headings, links, tables or HTML to the document.

/** Characters with a meaning in CommonMark / GFM inline or at a line start. */
const SPECIAL = /[\\`*_{}[\]()#+\-.!|~]/g;

/** Escapes one line of text for Markdown: markup characters get a backslash, `<`, `>`, `&` become entities. */
export function mdInline(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(SPECIAL, (c) => `\\${c}`);
}

/** Escapes a paragraph: each line escaped, line breaks kept as hard breaks inside the paragraph. */
export function mdBlock(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => mdInline(line))
    .filter((line) => line !== '')
    .join('  \n');
}
