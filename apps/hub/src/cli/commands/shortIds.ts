import type { HubClient } from '../HubClient';

const WHOLE_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SHORT = /^([0-9a-f][0-9a-f-]{3,34})…?$/i;
const PAGE = 500;

/**
 * Tables show ids cut to 8 characters and an ellipsis (`c16f2981…`); commands take such a cut id,
 * with or without the ellipsis, for the one whole id it starts. A whole id, or anything that is not
 * a hex prefix, is passed on as given, so the hub answers for it as before.
 */
export async function expandId(client: HubClient, given: string, what: string, listPath: string, query: Record<string, string | undefined>): Promise<string> {
  const short = SHORT.exec(given);
  if (WHOLE_UUID.test(given) || !short) return given;
  const prefix = short[1].toLowerCase();
  const matches: string[] = [];
  // Paged by what each answer holds, whatever page size the hub grants.
  for (let offset = 0; ; ) {
    const page = await client.request<{ items: Array<{ id: string }>; total: number }>('GET', listPath, undefined, { ...query, limit: String(PAGE), offset: String(offset) });
    matches.push(...page.items.map((item) => item.id).filter((id) => id.toLowerCase().startsWith(prefix)));
    offset += page.items.length;
    if (offset >= page.total || page.items.length === 0) break;
  }
  if (matches.length === 1) return matches[0];
  if (matches.length === 0) throw new Error(`No ${what} id starts with ${prefix}`);
  throw new Error(`${matches.length} ${what} ids start with ${prefix} (${matches.slice(0, 5).join(', ')}${matches.length > 5 ? ', …' : ''}): give more of the id`);
}
