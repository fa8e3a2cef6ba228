// War room names: inc-<yyyymmdd>-<slug>, only a-z 0-9 -, at most 80 characters, -2, -3 … on a clash.
import fc from 'fast-check';
import { candidateName, openWarRoom, slugify, warRoomName } from '../../src/incidents/war-room.js';
import { RecordingPlatform } from '../support/recording-platform.js';

const at = new Date(Date.UTC(2024, 0, 15, 23, 30));

describe('war room names', () => {
  it('is the date and a slug of the title', () => {
    expect(warRoomName('Report generation down', at, 'UTC')).toBe('inc-20240115-report-generation-down');
    // The date is the day in OATIE_TIMEZONE.
    expect(warRoomName('Report generation down', at, 'Asia/Tokyo')).toBe(
      'inc-20240116-report-generation-down',
    );
    expect(warRoomName('Café déjà vu: <!here> 🔥 API_v2 DOWN!!', at, 'UTC')).toBe(
      'inc-20240115-cafe-deja-vu-here-api-v2-down',
    );
    expect(warRoomName('🔥🔥 ', at, 'UTC')).toBe('inc-20240115-incident');
  });

  it('is always a valid channel name, also with its -n suffix', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 200, unit: 'grapheme' }),
        fc.integer({ min: 1, max: 50 }),
        (title, attempt) => {
          const name = candidateName(warRoomName(title, at, 'UTC'), attempt);
          expect(name.length).toBeLessThanOrEqual(80);
          expect(name).toMatch(/^inc-20240115-[a-z0-9]+(-[a-z0-9]+)*$/);
          if (attempt > 1) expect(name.endsWith(`-${attempt}`)).toBe(true);
        },
      ),
    );
    expect(slugify('--A  b--')).toBe('a-b');
  });

  it('adds -2, -3 … while the platform says the name is taken', async () => {
    const chat = new RecordingPlatform();
    chat.channels.add('inc-20240115-db-slow');
    chat.channels.add('inc-20240115-db-slow-2');
    expect(await openWarRoom(chat, 'inc-20240115-db-slow')).toEqual({
      id: 'inc-20240115-db-slow-3',
      name: 'inc-20240115-db-slow-3',
    });
    const long = `inc-20240115-${'a'.repeat(67)}`;
    chat.channels.add(long);
    expect((await openWarRoom(chat, long)).name).toBe(`inc-20240115-${'a'.repeat(65)}-2`);
  });
});
