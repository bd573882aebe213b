import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startTestHub, type TestHub } from './hubFixture';

const SNAPSHOT = path.join(__dirname, '../../../console/openapi.json');

/**
 * The console is typed from a copy of the hub's OpenAPI document: this is what keeps the two from
 * drifting. `npm run console:api` writes the copy again after an API change.
 */
describe('the web console (real hub)', () => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await startTestHub();
  });
  afterAll(() => hub?.stop());

  it("is typed from the hub's own OpenAPI document", async () => {
    const served = (await hub.api('GET', '/api/v1/openapi.json')).body;
    if (process.env.UPDATE_CONSOLE_API === '1') writeFileSync(SNAPSHOT, `${JSON.stringify(served, null, 2)}\n`);
    const copy = JSON.parse(readFileSync(SNAPSHOT, 'utf8'));
    if (JSON.stringify(copy) !== JSON.stringify(served)) throw new Error('apps/console/openapi.json differs from the API the hub serves: run `npm run console:api` and rebuild the console.');
  });

  it('serves the console at / and its page paths, with a strict Content-Security-Policy, and leaves the API alone', async () => {
    for (const page of ['/', '/integrations', '/incidents/123']) {
      const res = await fetch(`${hub.hub.url}${page}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self';/);
      expect(res.headers.get('content-security-policy')).not.toMatch(/unsafe-inline|unsafe-eval/);
      const html = await res.text();
      expect(html).toMatch(/<script type="module" crossorigin src="\/assets\/[^"]+\.js"><\/script>/);
      expect(html).not.toMatch(/<script>|<script type="module">/);
    }
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(await (await fetch(`${hub.hub.url}/`)).text())?.[1] as string;
    const script = await fetch(`${hub.hub.url}${asset}`);
    expect(script.status).toBe(200);
    expect(script.headers.get('cache-control')).toMatch(/immutable/);
    expect((await fetch(`${hub.hub.url}/assets/missing.js`)).status).toBe(404);
    // Nothing outside the console's build is served, however the path is spelled.
    for (const escape of ['/assets/..%2f..%2fpackage.json', '/..%2fpackage.json', '/assets/%2e%2e/%2e%2e/package.json', '/.vite/manifest.json']) {
      const res = await fetch(`${hub.hub.url}${escape}`);
      expect({ escape, status: res.status }).toEqual({ escape, status: 404 });
      expect(await res.text()).not.toMatch(/"name": "@itsm-hub/);
    }
    const api = await fetch(`${hub.hub.url}/api/v1/nothing-here`);
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toMatch(/application\/problem\+json/);
    // The API stays closed to other origins: the console is same-origin.
    const cors = await fetch(`${hub.hub.url}/api/v1/incidents`, { method: 'OPTIONS', headers: { origin: 'https://elsewhere.example', 'access-control-request-method': 'GET' } });
    expect(cors.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('HUB_CONSOLE=false serves no console', async () => {
    const off = await startTestHub({ console: false });
    try {
      expect((await fetch(`${off.hub.url}/`)).status).toBe(404);
      expect((await fetch(`${off.hub.url}/healthz`)).status).toBe(200);
    } finally {
      await off.stop();
    }
  });
});
