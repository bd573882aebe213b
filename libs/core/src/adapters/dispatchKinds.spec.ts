import type { WriteOperation } from '../contracts/WriteOperation';
import { dispatchKinds } from './dispatchKinds';

describe('dispatchKinds', () => {
  const record = { kind: 'incident', id: 'INC1', fields: {} };
  const written: WriteOperation[][] = [];
  const adapter = dispatchKinds('Example', {
    incident: {
      read: async (id) => (id === 'INC1' ? record : undefined),
      find: async () => record,
      write: async (ops) => {
        written.push(ops);
        return ops.map(() => ({ ok: true as const }));
      },
      defaultMappings: () => [{ field: 'title', externalField: 'summary', direction: 'bidirectional' }],
    },
    change: { list: async () => ({ records: [] }) },
  });

  it('hands each call to the handler of its kind', async () => {
    expect(await adapter.read('incident', 'INC1')).toBe(record);
    expect(await adapter.find({ kind: 'incident', correlationId: 'c' })).toBe(record);
    expect(await adapter.list({ kind: 'change' })).toEqual({ records: [] });
    expect(adapter.defaultMappings('incident')).toHaveLength(1);
    expect(adapter.defaultMappings('change')).toBeUndefined();
    expect(adapter.defaultMappings('toString')).toBeUndefined();
  });

  it('refuses a kind or an operation the adapter does not implement with a typed error, never an empty answer', async () => {
    await expect(adapter.read('problem', 'P1')).rejects.toMatchObject({ code: 'HUB_ERR_ADAPTER_KIND_UNSUPPORTED', message: 'The Example adapter does not read problem records.' });
    await expect(adapter.list({ kind: 'incident' })).rejects.toMatchObject({ code: 'HUB_ERR_ADAPTER_KIND_UNSUPPORTED', message: 'The Example adapter does not list incident records.' });
    await expect(adapter.find({ kind: 'constructor', correlationId: 'c' })).rejects.toMatchObject({ code: 'HUB_ERR_ADAPTER_KIND_UNSUPPORTED' });
  });

  it('writes consecutive operations of a kind together, in order, and fails only the operations of a kind it cannot write', async () => {
    written.length = 0;
    const ops: WriteOperation[] = [
      { op: 'create', kind: 'incident', correlationId: 'a', fields: {} },
      { op: 'create', kind: 'incident', correlationId: 'b', fields: {} },
      { op: 'create', kind: 'change', correlationId: 'c', fields: {} },
      { op: 'update', kind: 'incident', id: 'INC1', fields: {} },
    ];
    const results = await adapter.write(ops);
    expect(written).toEqual([ops.slice(0, 2), ops.slice(3)]);
    expect(results).toEqual([
      { ok: true }, { ok: true },
      { ok: false, error: { action: 'fail', kind: 'config', message: 'The Example adapter does not write change records.' }, vendorMessage: 'The Example adapter does not write change records.' },
      { ok: true },
    ]);
  });
});
