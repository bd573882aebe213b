import type { TestHub } from './hubFixture';

/**
 * Polls `probe` until `done` holds, for state that settles asynchronously (sync loops, webhooks).
 * Waits on observed state, never on elapsed time; the deadline only turns a hang into a failure.
 */
export async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, what: string, deadlineMs = 20_000): Promise<T> {
  const giveUpAt = Date.now() + deadlineMs;
  let last: T = await probe();
  while (!done(last)) {
    if (Date.now() > giveUpAt) throw new Error(`Timed out waiting for ${what}; last value: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setImmediate(resolve));
    last = await probe();
  }
  return last;
}

/** Resolves once the integration has nothing queued either way. */
export function settled(hub: TestHub, integrationId: string) {
  return eventually(
    async () => (await hub.api('GET', `/api/v1/integrations/${integrationId}/sync-status`)).body,
    (status) => status.outbox_depth === 0 && status.inbox_depth === 0,
    `integration ${integrationId} to settle`,
  );
}

export async function createIntegration(hub: TestHub, body: Record<string, unknown>): Promise<string> {
  const response = await hub.api('POST', '/api/v1/integrations', body);
  if (response.status !== 201) throw new Error(`integration create failed: ${JSON.stringify(response.body)}`);
  return response.body.id;
}

/** Calls a platform emulator's API as a platform user would (not through the hub). */
export async function platformCall(url: string, method: string, path: string, headers: Record<string, string>, body?: unknown) {
  const response = await fetch(url + path, {
    method,
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** How many ServiceNow incidents carry each correlation id (exactly 1 each: nothing lost, nothing twice). */
export async function serviceNowCopies(snowUrl: string, correlationIds: string[]): Promise<number[]> {
  const basic = { authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` };
  const counts: number[] = [];
  for (const id of correlationIds) {
    const found = await platformCall(snowUrl, 'GET', `/api/now/table/incident?sysparm_query=correlation_id=${id}&sysparm_fields=sys_id`, basic);
    counts.push((found.body as { result: unknown[] }).result.length);
  }
  return counts;
}
