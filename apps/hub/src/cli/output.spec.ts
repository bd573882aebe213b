import { cut, fitWidths, printRows, tableLines } from './output';

const UUID = '3f2a9c1d-7b4e-4c1a-9d2f-0e8b6a5c4d3e';
const TIME = '2025-12-02T12:18:45.123Z';
const width = (line: string) => [...line].length;

describe('cut', () => {
  it('keeps a value that fits and ends a cut one with an ellipsis, within the width', () => {
    expect(cut('pending', 7)).toBe('pending');
    expect(cut('pending', 5)).toBe('pend…');
    expect(cut('pending', 1)).toBe('…');
    expect(cut('pending', 0)).toBe('');
  });

  it('counts characters, not UTF-16 units, so an emoji is never split', () => {
    expect(cut('🔥 fire in the hall', 3)).toBe('🔥 …');
  });
});

describe('fitWidths', () => {
  it('keeps the natural widths when the table fits', () => {
    expect(fitWidths(['id', 'title', 'updated_at'], [36, 40, 24], 120)).toEqual([36, 40, 24]);
  });

  it('first shortens ids and timestamps, leaving the other columns whole when that is enough', () => {
    expect(fitWidths(['id', 'record_id', 'title', 'detected_at'], [36, 36, 40, 24], 100)).toEqual([9, 9, 40, 17]);
  });

  it('keeps an id column as wide as its header', () => {
    expect(fitWidths(['integration_id', 'message'], [36, 200], 80)).toEqual([14, 64]);
  });

  it('then cuts the widest columns to one common width; narrower ones keep theirs', () => {
    // 122 less four gaps leaves 114: id 9, status 8 and timestamp 17 leave 80, 40 for each value.
    expect(fitWidths(['id', 'status', 'platform_value', 'external_value', 'detected_at'], [36, 8, 90, 70, 24], 122)).toEqual([9, 8, 40, 40, 17]);
    expect(fitWidths(['status', 'message'], [8, 200], 40)).toEqual([8, 30]);
  });
});

describe('tableLines', () => {
  const columns = ['id', 'record_kind', 'record_id', 'integration', 'field_name', 'platform_value', 'external_value', 'status', 'detected_at'];
  const conflict = {
    id: UUID, record_kind: 'incident', record_id: UUID, integration: 'snow-prod', field_name: 'title',
    platform_value: 'The hub says the mail relay is down for everyone in the second data centre',
    external_value: 'ServiceNow says the mail relay is down for everyone in the second data centre', status: 'pending', detected_at: TIME,
  };

  it('fits every line of a wide table into 120 columns, marking each cut with an ellipsis', () => {
    const lines = tableLines([conflict, { ...conflict, platform_value: null }], columns);
    expect(Math.max(...lines.map(width))).toBeLessThanOrEqual(120);
    expect(lines[0]).toMatch(/^ID\s+RECORD_KIND\s+RECORD_ID\s+INTEGRATION\s+FIELD_NAME\s+PLATFORM_VALUE\s+EXTERNAL_VALUE\s+STATUS\s+DETECTED_AT$/);
    expect(lines[1]).toBe('3f2a9c1d…  incident     3f2a9c1d…  snow-prod    title       The hub says t…  ServiceNow say…  pending  2025-12-02T12:18…');
    expect(lines[2]).toMatch(/\stitle {7}- {16}ServiceNow say…\s/);
  });

  it('cuts headers too when the columns are too many for their names', () => {
    expect(tableLines([{ platform_value: 'a', external_value: 'b' }], ['platform_value', 'external_value'], 20)).toEqual(['PLATFORM…  EXTERNAL…', 'a          b']);
  });

  it('leaves a table that fits as it is, aligned on two-space gaps', () => {
    expect(tableLines([{ name: 'acme', id: UUID, created_at: TIME }], ['name', 'id', 'created_at'])).toEqual([
      `NAME  ID${' '.repeat(36)}CREATED_AT`,
      `acme  ${UUID}  ${TIME}`,
    ]);
  });
});

describe('printRows', () => {
  it('prints JSON with every value whole', () => {
    const out: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => out.push(String(chunk)) > 0);
    try {
      const rows = [{ id: UUID, message: 'x'.repeat(300) }];
      printRows('json', rows, ['id', 'message']);
      expect(JSON.parse(out.join(''))).toEqual(rows);
    } finally {
      write.mockRestore();
    }
  });
});
