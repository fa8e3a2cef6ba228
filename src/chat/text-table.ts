// Tables as aligned columns of text, for the platforms that show them in a fixed-width font (the
// console, Slack code blocks).

/** Wider cells are cut with … so that one long value cannot push the other columns off the screen. */
const MAX_COLUMN_WIDTH = 60;

/**
 * The header, a rule of dashes, then one line per row: each cell as `cellText` shows it, padded to
 * its column's width. Widths are measured on that text, which is what people see.
 */
export function alignColumns(
  columns: string[],
  rows: string[][],
  cellText: (cell: string) => string,
): string[] {
  const all = [columns, ...rows].map((row) => columns.map((_, i) => cellText(row[i] ?? '')));
  const widths = columns.map((_, i) =>
    Math.min(MAX_COLUMN_WIDTH, Math.max(...all.map((row) => (row[i] ?? '').length))),
  );
  const line = (row: string[]): string =>
    row
      .map((cell, i) => {
        const width = widths[i] ?? 0;
        return (cell.length > width ? `${cell.slice(0, width - 1)}…` : cell).padEnd(width);
      })
      .join('  ')
      .trimEnd();
  const [header = [], ...body] = all;
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)];
}
