import type { HttpRequest } from '@itsm-hub/core';
import { createTestAdapterContext } from '@itsm-hub/core/testing';
import { PagerDutyDirectory } from '../../../client/directory';
import { classifyPagerDutyError } from '../../../client/failures';
import { PagerDutyClient } from '../../../client/http';
import { startEmulator, type RunningPagerDutyEmulator } from '../../../emulator';
import type { IncidentListing } from '../reader';

/**
 * A PagerDuty emulator whose offset + limit ceiling is `cap`, reset before each test, and listings
 * over it whose HTTP calls are recorded: what the incremental and the full-scan specs share.
 */
export function cappedAccount(now: number, cap: number) {
  const clock = { now: () => new Date(now) };
  let pd: RunningPagerDutyEmulator | undefined;
  let sent: HttpRequest[] = [];
  beforeAll(async () => {
    pd = await startEmulator({ now: () => now, paginationCap: cap });
  });
  afterAll(async () => {
    await pd?.close();
  });
  beforeEach(() => {
    pd?.emulator.reset();
  });
  const emulator = () => {
    if (!pd) throw new Error('the emulator starts in beforeAll');
    return pd;
  };
  return {
    clock,
    emulator,
    /** The calls of the latest listing, in order. */
    sent: () => sent,
    /** A new listing of every service; its calls replace `sent`. */
    listing(serviceIds?: string[]): IncidentListing {
      const context = createTestAdapterContext({ baseUrl: emulator().url, credentials: emulator().credentials, clock });
      sent = [];
      const request = context.http.request.bind(context.http);
      context.http = { request: (req) => (sent.push(req), request(req)) };
      const client = new PagerDutyClient(context.http, emulator().credentials);
      return { client, directory: new PagerDutyDirectory(client), clock, classify: (failure) => classifyPagerDutyError(failure, clock), serviceIds };
    },
  };
}
