'use strict';
/**
 * The benchmark's HTTP client, for the API calls and the ceiling's direct loops alike: node's
 * keep-alive agent rather than fetch, whose streams and abort signals cost this process more CPU
 * per call than the calls it measures, on the cores it shares with the hub and PostgreSQL.
 */
const http = require('node:http');

const agent = new http.Agent({ keepAlive: true });

/** One request; answers `{ status, ok, text }` like a small fetch. */
function call(url, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(body);
    const request = http.request(url, { method, agent, headers: payload ? { ...headers, 'content-length': String(payload.length) } : headers }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.once('end', () => {
        const status = response.statusCode ?? 0;
        resolve({ status, ok: status >= 200 && status < 300, text: Buffer.concat(chunks).toString('utf8') });
      });
      response.once('error', reject);
    });
    request.once('error', reject);
    request.end(payload);
  });
}

/** The JSON body of a successful answer; throws with the status and body otherwise. */
function json(answer) {
  if (!answer.ok) throw new Error(`${answer.status} ${answer.text}`);
  return answer.text ? JSON.parse(answer.text) : undefined;
}

module.exports = { call, json };
