export type Format = 'table' | 'json';

/** Tables fit a 120-column terminal, so a row never wraps into the next one there. */
const TABLE_WIDTH = 120;
const GAP = 2;
/** Short forms: 8 characters of an id tell rows apart (as a short commit hash does); a timestamp keeps its minute. */
const SHORT_ID = 9;
const SHORT_TIME = 17;

/** Prints rows as an aligned text table that fits TABLE_WIDTH, or as JSON with every value whole. */
export function printRows(format: Format, rows: Array<Record<string, unknown>>, columns: string[], json: unknown = rows): void {
  if (format === 'json') {
    process.stdout.write(JSON.stringify(json, null, 2) + '\n');
    return;
  }
  if (rows.length === 0) {
    process.stdout.write('(none)\n');
    return;
  }
  process.stdout.write(tableLines(rows, columns).join('\n') + '\n');
}

/** The header and row lines of a table, each at most `width` columns. */
export function tableLines(rows: Array<Record<string, unknown>>, columns: string[], width = TABLE_WIDTH): string[] {
  const lines = [columns.map((c) => c.toUpperCase()), ...rows.map((row) => columns.map((c) => cell(row[c])))];
  const widths = fitWidths(columns, columns.map((_, i) => Math.max(...lines.map((line) => length(line[i])))), width);
  return lines.map((line) => line.map((value, i) => pad(cut(value, widths[i]), widths[i])).join(' '.repeat(GAP)).trimEnd());
}

/**
 * Column widths within `width`: the contents' own widths when they fit; otherwise ids and timestamps take their
 * short forms, and the other columns (names, messages, values, URLs) share the rest: the widest are cut to one
 * common width, so narrow columns stay whole. Only a table of little but ids and timestamps could stay wider.
 */
export function fitWidths(columns: string[], natural: number[], width = TABLE_WIDTH): number[] {
  const room = width - GAP * (columns.length - 1);
  if (sum(natural) <= room) return natural;
  const budgets = columns.map(shortForm);
  const at = (cap: number) => natural.map((w, i) => Math.min(w, budgets[i] ?? cap));
  let cap = Math.max(...natural);
  while (cap > 1 && sum(at(cap)) > room) cap--;
  return at(cap);
}

/** The fixed width of an id or timestamp column when the table must shrink, header included; other columns have none. */
function shortForm(column: string): number | undefined {
  if (column === 'id' || column.endsWith('_id')) return Math.max(SHORT_ID, column.length);
  if (column.endsWith('_at')) return Math.max(SHORT_TIME, column.length);
  return undefined;
}

/** Cuts `value` to `width` characters; the last one left becomes an ellipsis so a cut value never passes for whole. */
export function cut(value: string, width: number): string {
  const chars = [...value];
  if (chars.length <= width) return value;
  return width < 1 ? '' : chars.slice(0, width - 1).join('') + '…';
}

/** Counts code points, not UTF-16 units, so a cut never splits an emoji; wide characters still count as one column. */
const length = (value: string) => [...value].length;
const pad = (value: string, width: number) => value + ' '.repeat(Math.max(0, width - length(value)));
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** Prints one object as key/value lines, or as JSON. */
export function printObject(format: Format, value: Record<string, unknown>): void {
  if (format === 'json') {
    process.stdout.write(JSON.stringify(value, null, 2) + '\n');
    return;
  }
  const width = Math.max(...Object.keys(value).map((k) => k.length));
  process.stdout.write(Object.entries(value).map(([k, v]) => `${k.padEnd(width)}  ${cell(v)}`).join('\n') + '\n');
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Prints one page of an `{items,total}` answer; the table says when more entries exist. */
export function printPage(format: Format, page: { items: Array<Record<string, unknown>>; total: number }, columns: string[], offset = 0): void {
  printRows(format, page.items, columns, page);
  if (format === 'table' && page.items.length > 0 && page.items.length < page.total) {
    process.stdout.write(`Showing ${offset + 1}-${offset + page.items.length} of ${page.total}; page with --limit and --offset\n`);
  }
}
