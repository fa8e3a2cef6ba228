// Invisible characters in what people type. Bidirectional controls (U+202A–U+202E, U+2066–U+2069)
// reorder the rest of a line, and the other format characters (Unicode category Cf: zero-width spaces
// and joiners, word joiners, the BOM, tags…) and fillers that render as nothing hide text or make two
// different strings look alike. They are removed from user text before it is stored or shown, except
// where they build an emoji: a zero-width joiner between two pictographs (👩‍💻, 🏳️‍🌈) and the tag
// characters of a subdivision flag (🏴 + tags + cancel tag). Removing those would split one emoji
// into several, and inside an emoji they can neither reorder nor hide text.

/** A subdivision flag: black flag, tag letters, cancel tag. */
const FLAG_TAGS = '\u{1F3F4}[\u{E0020}-\u{E007E}]+\u{E007F}';
/** A pictograph (with its skin tone or emoji presentation) joined to the next one. */
const EMOJI_JOIN =
  '(\\p{Extended_Pictographic}\\p{Emoji_Modifier}?\\uFE0F?)\\u200D(?=\\p{Extended_Pictographic})';
/** Format characters, plus the fillers and the grapheme joiner that render as nothing. */
const INVISIBLE = '[\\p{Cf}\\u034F\\u115F\\u1160\\u3164\\uFFA0]';
const PATTERN = new RegExp(`(${FLAG_TAGS})|${EMOJI_JOIN}|${INVISIBLE}`, 'gu');

/** Removes bidirectional controls and invisible format characters, keeping those inside emoji. */
export function stripInvisible(text: string): string {
  return text.replace(PATTERN, (_all, flag: string | undefined, joined: string | undefined) =>
    flag !== undefined ? flag : joined !== undefined ? `${joined}\u200D` : '',
  );
}

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/u;

/** The first C0/C1 control character (other than tab and line breaks) in `text`, as U+XXXX. */
export function controlCharacterIn(text: string): string | undefined {
  const found = CONTROL.exec(text)?.[0];
  return found === undefined
    ? undefined
    : `U+${(found.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}
