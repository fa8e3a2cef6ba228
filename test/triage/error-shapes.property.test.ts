// Hostile log lines grouped by shape: never a throw, never longer than a table cell allows, never a
// control character or a credential in what reaches the channel.
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { groupErrors, shapeOf } from '../../src/diagnostics/error-shapes.js';
import { maskSecrets } from '../../src/core/secrets.js';

describe('error shapes', () => {
  test('any line has a short, printable shape', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000, unit: 'binary' }), (line) => {
        const shape = shapeOf(line);
        expect(shape.length).toBeLessThanOrEqual(140);
        // eslint-disable-next-line no-control-regex -- checking that none is left
        expect(shape).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
      }),
    );
  });

  test('lines that differ only in ids, numbers, times and quoted values share a shape', () => {
    fc.assert(
      fc.property(
        fc.uuid(),
        fc.nat(),
        fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }),
        fc.string({ maxLength: 30 }),
        (id, n, at, name) => {
          const quoted = name.replace(/"/g, '');
          const line = `${at.toISOString()} ERROR report ${id} failed after ${n} ms for "${quoted}"`;
          expect(shapeOf(line)).toBe('report <uuid> failed after <n> ms for "…"');
        },
      ),
    );
  });

  test('a secret in a masked line stays masked in its group', () => {
    const lines = ['2026-12-01T10:00:00Z ERROR login failed: password=hunter2 token=abc.def.ghi'].map(
      maskSecrets,
    );
    const [group] = groupErrors([{ pod: 'auth-1', lines }]);
    expect(group?.shape).not.toContain('hunter2');
    expect(group?.shape).toContain('password=[redacted]');
    expect(group?.firstSeen?.toISOString()).toBe('2026-12-01T10:00:00.000Z');
  });
});
