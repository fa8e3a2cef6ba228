// Post-incident reviews: the next business day at the policy's time, on the clock of OATIE_TIMEZONE.
import { nextBusinessDayAt } from '../../src/incidents/business-day.js';

describe('next business day', () => {
  it('is the next weekday, at that time in the zone', () => {
    // Monday 15:15 UTC → Tuesday 10:00 UTC.
    expect(nextBusinessDayAt(new Date('2024-01-15T15:15:00Z'), '10:00', 'UTC').toISOString()).toBe(
      '2024-01-16T10:00:00.000Z',
    );
    // Friday → Monday; Saturday and Sunday → Monday.
    expect(nextBusinessDayAt(new Date('2024-01-19T15:15:00Z'), '10:00', 'UTC').toISOString()).toBe(
      '2024-01-22T10:00:00.000Z',
    );
    expect(nextBusinessDayAt(new Date('2024-01-20T15:15:00Z'), '10:00', 'UTC').toISOString()).toBe(
      '2024-01-22T10:00:00.000Z',
    );
    expect(nextBusinessDayAt(new Date('2024-01-21T23:59:00Z'), '10:00', 'UTC').toISOString()).toBe(
      '2024-01-22T10:00:00.000Z',
    );
  });

  it('counts days and hours on the zone’s clock, across daylight saving changes', () => {
    // Friday 23:30 UTC is already Saturday in Paris: the review is Monday 10:00 Paris time (09:00 UTC in winter).
    expect(nextBusinessDayAt(new Date('2024-01-19T23:30:00Z'), '10:00', 'Europe/Paris').toISOString()).toBe(
      '2024-01-22T09:00:00.000Z',
    );
    // Clocks go forward on Sunday 31 March 2024: Monday 10:00 CEST is 08:00 UTC.
    expect(nextBusinessDayAt(new Date('2024-03-29T12:00:00Z'), '10:00', 'Europe/Paris').toISOString()).toBe(
      '2024-04-01T08:00:00.000Z',
    );
    expect(
      nextBusinessDayAt(new Date('2024-11-01T12:00:00Z'), '09:30', 'America/New_York').toISOString(),
    ).toBe('2024-11-04T14:30:00.000Z');
  });
});
