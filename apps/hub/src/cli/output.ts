export type Format = 'table' | 'json';

/** Prints rows as an aligned text table, or as JSON. */
export function printRows(format: Format, rows: Array<Record<string, unknown>>, columns: string[], json: unknown = rows): void {
  if (format === 'json') {
    process.stdout.write(JSON.stringify(json, null, 2) + '\n');
    return;
  }
  if (rows.length === 0) {
    process.stdout.write('(none)\n');
    return;
  }
  const cells = rows.map((row) => columns.map((c) => cell(row[c])));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i].length)));
  const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i])).join('  ').trimEnd();
  process.stdout.write([line(columns.map((c) => c.toUpperCase())), ...cells.map(line)].join('\n') + '\n');
}

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
