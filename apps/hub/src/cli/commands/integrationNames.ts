import type { HubClient } from '../HubClient';
import type { Format } from '../output';

/**
 * Adds an `integration` field with the integration's name to each row, for tables: a name reads better than a UUID
 * and is what the other commands take. One list request serves the whole table; JSON keeps the rows as the API sent
 * them, so it asks for nothing. An id the list lacks (an integration deleted meanwhile) is shown as is.
 */
export async function withIntegrationNames(
  client: HubClient,
  format: Format,
  org: string | undefined,
  rows: Array<Record<string, unknown>>,
): Promise<Array<Record<string, unknown>>> {
  if (format === 'json' || rows.length === 0) return rows;
  const { integrations } = await client.request<{ integrations: Array<{ id: string; name: string }> }>('GET', 'api/v1/integrations', undefined, { organization_id: org });
  const names = new Map(integrations.map((i) => [i.id, i.name]));
  return rows.map((row) => ({ ...row, integration: names.get(row.integration_id as string) ?? row.integration_id }));
}
