// How long something took, as people read it: "85 ms" for short runs, "2 minutes 5 seconds" beyond.
import { formatDuration } from '../core/duration.js';

export const elapsed = (ms: number): string => (ms < 10_000 ? `${Math.round(ms)} ms` : formatDuration(ms));
