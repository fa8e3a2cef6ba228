// Kubernetes resource quantities ("250m", "512Mi", "2Gi", "1e3") as numbers, and back as people read them.

const SUFFIX: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(n|u|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei))?$/;

/** The value of a quantity in base units (cores for CPU, bytes for memory); undefined when unreadable. */
export function parseQuantity(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const match = QUANTITY.exec(text.trim());
  if (!match) return undefined;
  const [, number = '', exponent, suffix = ''] = match;
  const value =
    Number(number) * (exponent === undefined ? (SUFFIX[suffix] ?? 1) : 10 ** Number(exponent.slice(1)));
  return Number.isFinite(value) ? value : undefined;
}

/** Bytes as 512Mi, 1.5Gi, 800Ki. */
export function formatBytes(bytes: number): string {
  const units: Array<[string, number]> = [
    ['Ti', 2 ** 40],
    ['Gi', 2 ** 30],
    ['Mi', 2 ** 20],
    ['Ki', 2 ** 10],
  ];
  for (const [unit, size] of units) {
    if (bytes >= size) {
      const value = bytes / size;
      return `${value >= 100 ? Math.round(value) : Math.round(value * 10) / 10}${unit}`;
    }
  }
  return `${Math.round(bytes)}B`;
}

/** Cores as 250m or 1.5 (as kubectl shows CPU). */
export function formatCores(cores: number): string {
  return cores >= 1 ? `${Math.round(cores * 100) / 100}` : `${Math.round(cores * 1000)}m`;
}

/** `part` as a whole percentage of `whole`, or undefined when there is no whole to compare to. */
export function percentOf(part: number | undefined, whole: number | undefined): number | undefined {
  if (part === undefined || whole === undefined || whole <= 0) return undefined;
  return Math.round((part / whole) * 100);
}
