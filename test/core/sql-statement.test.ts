// The statement splitter `db explain` relies on: semicolons count only outside strings, quoted names,
// dollar quotes and comments; `$n` is a placeholder only outside them and outside names.
import { describe, expect, test } from '@jest/globals';
import { splitStatements } from '../../src/core/sql-statement.js';

const count = (text: string) => splitStatements(text).statements.length;

describe('splitStatements', () => {
  test('semicolons inside strings, names, comments and dollar quotes do not split', () => {
    expect(count(`SELECT 'a;b', "c;d", $$e;f$$, $t$g;$$h$t$ -- i;j\n /* k; /* l; */ m; */ FROM x;`)).toBe(1);
    expect(count(`SELECT E'it\\'s; fine', 'it''s; fine'`)).toBe(1);
    expect(count('SELECT 1; SELECT 2')).toBe(2);
    expect(count(' ;; SELECT 1 ;; ')).toBe(1);
  });

  test('a text cut inside a string is reported, not guessed', () => {
    expect(splitStatements(`SELECT 'abc`).unterminated).toBe(true);
    expect(splitStatements(`SELECT $q$abc`).unterminated).toBe(true);
  });

  test('placeholders and words', () => {
    const [tokens] = splitStatements(`SELECT a$1, $2, '$3' FROM "Update" WHERE x = $10`).statements;
    expect(tokens!.filter((t) => t.kind === 'param').map((t) => t.text)).toEqual(['$2', '$10']);
    expect(tokens!.filter((t) => t.kind === 'word').map((t) => t.text)).toEqual([
      'select',
      'a$1',
      'from',
      '"Update"',
      'where',
      'x',
    ]);
  });
});
