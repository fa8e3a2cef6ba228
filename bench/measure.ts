// Small measuring tools for the benchmarks: latency percentiles and throughput.

export interface Figure {
  name: string;
  value: string;
}

export function percentile(sortedMs: readonly number[], p: number): number {
  if (sortedMs.length === 0) return 0;
  const index = Math.min(sortedMs.length - 1, Math.ceil((p / 100) * sortedMs.length) - 1);
  return sortedMs[Math.max(0, index)] ?? 0;
}

/** Runs `fn` `n` times in sequence; returns per-call milliseconds, sorted, and the total. */
export async function timeEach(
  n: number,
  fn: (i: number) => unknown,
): Promise<{ sorted: number[]; totalMs: number }> {
  const times: number[] = [];
  const start = performance.now();
  for (let i = 0; i < n; i += 1) {
    const t0 = performance.now();
    await fn(i);
    times.push(performance.now() - t0);
  }
  return { sorted: times.sort((a, b) => a - b), totalMs: performance.now() - start };
}

export const fmt = (ms: number): string => (ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(1)} ms`);
export const rate = (n: number, ms: number): string =>
  `${Math.round((n / ms) * 1000).toLocaleString('en-US')}/s`;
export const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
