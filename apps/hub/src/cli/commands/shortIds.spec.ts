import type { HubClient } from '../HubClient';
import { expandId } from './shortIds';

const IDS = ['c16f2981-0000-4000-8000-000000000001', 'c16f2981-1111-4000-8000-000000000002', '9a0b7c3d-2222-4000-8000-000000000003'];

/** A hub that lists IDS two per page and records the queries it was asked. */
function fakeHub(): HubClient & { queries: Array<Record<string, string | undefined>> } {
  const queries: Array<Record<string, string | undefined>> = [];
  const request = async (_method: string, _path: string, _body?: unknown, query: Record<string, string | undefined> = {}) => {
    queries.push(query);
    const offset = Number(query.offset);
    return { items: IDS.slice(offset, offset + 2).map((id) => ({ id })), total: IDS.length };
  };
  return { request, queries } as unknown as HubClient & { queries: typeof queries };
}

// The fake grants pages of 2 whatever is asked, as a hub with a lower page cap would.
describe('expandId', () => {
  it('passes whole ids and non-hex values through without a request', async () => {
    const hub = fakeHub();
    expect(await expandId(hub, IDS[0], 'conflict', 'x', {})).toBe(IDS[0]);
    expect(await expandId(hub, 'no-such-entry', 'conflict', 'x', {})).toBe('no-such-entry');
    expect(hub.queries).toEqual([]);
  });

  it('expands a table\'s cut id, with or without the ellipsis, to the one id it starts', async () => {
    expect(await expandId(fakeHub(), '9a0b7c3d…', 'conflict', 'x', {})).toBe(IDS[2]);
    expect(await expandId(fakeHub(), 'C16F2981-1', 'conflict', 'x', {})).toBe(IDS[1]);
  });

  it('names the ambiguity or the miss', async () => {
    await expect(expandId(fakeHub(), 'c16f2981…', 'conflict', 'x', {})).rejects.toThrow(`2 conflict ids start with c16f2981 (${IDS[0]}, ${IDS[1]}): give more of the id`);
    await expect(expandId(fakeHub(), 'ffff', 'incident', 'x', {})).rejects.toThrow('No incident id starts with ffff');
  });
});
