'use strict';
/**
 * The platforms a sync benchmark can run against: how to start each emulator, configure an
 * integration for it, write to it directly (the ceiling loop) and recognise record writes in its
 * request log.
 */
const servicenow = require('@itsm-hub/adapter-servicenow/emulator');
const pagerduty = require('@itsm-hub/adapter-pagerduty/emulator');
const jira = require('@itsm-hub/adapter-jira/emulator');
const halo = require('@itsm-hub/adapter-halo/emulator');

const { call, json } = require('./http');

const PLATFORMS = {
  servicenow: {
    async start() {
      const handle = await servicenow.startEmulator();
      const auth = { authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}`, 'content-type': 'application/json' };
      return {
        handle,
        integration: { type: 'servicenow', base_url: handle.url, credentials: { username: 'admin', password: 'admin' } },
        isCreate: (r) => r.method === 'POST' && r.path === '/api/now/table/incident',
        isUpdate: (r) => r.method === 'PATCH' && r.path.startsWith('/api/now/table/incident/'),
        recordOf: (r) => r.path.split('/').pop(),
        isComment: () => false,
        async directCreate(i) {
          const body = json(await call(`${handle.url}/api/now/table/incident`, { method: 'POST', headers: auth, body: JSON.stringify({ short_description: `Direct ${i}`, impact: '2', urgency: '2' }) }));
          return body.result.sys_id;
        },
        async directUpdate(id, i) {
          json(await call(`${handle.url}/api/now/table/incident/${id}`, { method: 'PATCH', headers: auth, body: JSON.stringify({ short_description: `Direct renamed ${i}` }) }));
        },
      };
    },
  },
  pagerduty: {
    async start() {
      const handle = await pagerduty.startEmulator({ rateLimitPerMinute: 1_000_000 });
      const auth = { authorization: `Token token=${handle.credentials.token}`, from: 'oncall@example.com', 'content-type': 'application/json' };
      return {
        handle,
        integration: { type: 'pagerduty', base_url: handle.url, credentials: { ...handle.credentials }, settings: { service_id: 'PSVC001', from_email: 'oncall@example.com' } },
        isCreate: (r) => r.method === 'POST' && r.path === '/incidents',
        isUpdate: (r) => r.method === 'PUT' && /^\/incidents\/[^/]+$/.test(r.path),
        recordOf: (r) => r.path.split('/').pop(),
        isComment: (r) => r.method === 'POST' && r.path.endsWith('/notes'),
        async directCreate(i) {
          const body = json(await call(`${handle.url}/incidents`, {
            method: 'POST', headers: auth,
            body: JSON.stringify({ incident: { type: 'incident', title: `Direct ${i}`, service: { id: 'PSVC001', type: 'service_reference' }, urgency: 'low' } }),
          }));
          return body.incident.id;
        },
        async directUpdate(id, i) {
          json(await call(`${handle.url}/incidents/${id}`, { method: 'PUT', headers: auth, body: JSON.stringify({ incident: { type: 'incident', title: `Direct renamed ${i}` } }) }));
        },
      };
    },
  },
  jira: {
    async start() {
      const handle = await jira.startEmulator();
      const { email, api_key: key } = handle.credentials;
      const auth = { authorization: `Basic ${Buffer.from(`${email}:${key}`).toString('base64')}`, 'content-type': 'application/json' };
      return {
        handle,
        integration: { type: 'jira', base_url: handle.url, credentials: { ...handle.credentials }, settings: { project_key: 'OPS' } },
        isCreate: (r) => r.method === 'POST' && r.path === '/rest/api/3/issue',
        isUpdate: (r) => r.method === 'PUT' && /^\/rest\/api\/3\/issue\/[^/]+$/.test(r.path),
        recordOf: (r) => r.path.split('/').pop(),
        isComment: (r) => r.method === 'POST' && r.path.endsWith('/comment'),
        isTransition: (r) => r.method === 'POST' && r.path.endsWith('/transitions'),
        async directCreate(i) {
          const body = json(await call(`${handle.url}/rest/api/3/issue`, {
            method: 'POST', headers: auth, body: JSON.stringify({ fields: { project: { key: 'OPS' }, issuetype: { name: 'Incident' }, summary: `Direct ${i}` } }),
          }));
          return body.key;
        },
        async directUpdate(id, i) {
          json(await call(`${handle.url}/rest/api/3/issue/${id}`, { method: 'PUT', headers: auth, body: JSON.stringify({ fields: { summary: `Direct renamed ${i}` } }) }));
        },
      };
    },
  },
  halo: {
    async start() {
      const handle = await halo.startEmulator();
      const { client_id: clientId, client_secret: clientSecret, tenant } = handle.credentials;
      const token = json(await call(`${handle.url}/auth/token?tenant=${tenant}`, {
        method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, scope: 'all' }).toString(),
      }));
      const auth = { authorization: `Bearer ${token.access_token}`, 'content-type': 'application/json' };
      const upsert = async (ticket) => (json(await call(`${handle.url}/api/Tickets`, { method: 'POST', headers: auth, body: JSON.stringify([ticket]) })));
      return {
        handle,
        integration: { type: 'halo', base_url: handle.url, credentials: { client_id: clientId, client_secret: clientSecret, tenant } },
        isCreate: () => false,
        // Halo creates and updates through the same array upsert.
        isUpdate: (r) => r.method === 'POST' && r.path === '/api/Tickets',
        recordOf: () => undefined,
        isComment: (r) => r.method === 'POST' && r.path === '/api/Actions',
        async directCreate(i) {
          const answer = await upsert({ summary: `Direct ${i}`, details: 'bench' });
          return (Array.isArray(answer) ? answer[0] : answer).id;
        },
        async directUpdate(id, i) {
          await upsert({ id, summary: `Direct renamed ${i}` });
        },
      };
    },
  },
};

module.exports = { PLATFORMS };
