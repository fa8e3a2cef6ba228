// Property tests: the parser never throws and never lets hostile text through as an identifier.
import fc from 'fast-check';
import { PARSER_FAILURE, parseCommand } from '../../src/commands/parse.js';
import { catalog, commandNames } from '../../src/commands/catalog.js';

const hostile = fc.constantFrom(
  "'; DROP TABLE users; --",
  '<!channel>',
  '<!here>',
  '<https://evil.example|click>',
  '$(rm -rf /)',
  '../../etc/passwd',
  '\u0000\u0001\u0002',
  'rеports', // Cyrillic е
  '🔥🚨',
  '--older-than',
  '"',
  '“unterminated',
  'app=x,tier in (a)',
  '999Ti',
  '-1',
);

const word = fc.oneof(
  fc.constantFrom(...new Set(commandNames.flatMap((n) => catalog[n].words))),
  hostile,
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
);

describe('the parser under random and hostile input', () => {
  // parseCommand catches anything thrown inside and answers PARSER_FAILURE: seeing it means a bug.
  it('never fails inside and always answers with a command or a specific error message', () => {
    fc.assert(
      fc.property(fc.array(word, { maxLength: 8 }), (words) => {
        const result = parseCommand(words.join(' '));
        if (result.ok) expect(commandNames).toContain(result.command.name);
        else expect(result.error.message).not.toBe(PARSER_FAILURE);
      }),
      { numRuns: 8_000 },
    );
  });

  it('never throws on arbitrary strings, including very long ones', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        const result = parseCommand(text);
        expect(result.ok || result.error.message !== PARSER_FAILURE).toBe(true);
      }),
      { numRuns: 4_000 },
    );
    expect(parseCommand('x'.repeat(100_000)).ok).toBe(false);
  });

  it('only ever accepts ASCII identifiers (or double-quoted names), pids and DNS labels where the catalog expects them', () => {
    fc.assert(
      fc.property(word, word, (a, b) => {
        for (const text of [
          `db vacuum ${a}`,
          `db create-index ${a} ${b}`,
          `db terminate ${a}`,
          `k8s restart ${a}`,
        ]) {
          const result = parseCommand(text);
          if (!result.ok) continue;
          const values = Object.values(result.command.args).flat().map(String);
          // Double-quoted parts (issue 17: "Audit") are resolved in the catalog, never spliced into SQL.
          for (const v of values) expect(v).toMatch(/^(?:[A-Za-z0-9_.,-]|"(?:[^"]|"")+")*$/);
        }
      }),
      { numRuns: 4_000 },
    );
  });
});
