// How long a test waits for an event before it calls it missing. Tests wait for events, never for a
// time: the bound only decides when a missing event fails the test, so it is generous — a loaded
// 2-core machine may take many times longer than a quiet one. Short bounds a test asks for are raised
// to this floor.
export const WAIT_FLOOR_MS = Number(process.env.TEST_WAIT_FLOOR_MS ?? 60_000);

/** The deadline for an event a test waits for (`asked` in milliseconds from now, at least the floor). */
export const waitDeadline = (asked: number): number => Date.now() + Math.max(asked, WAIT_FLOOR_MS);
