import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhookRequest } from '../../contracts/InboundEvent';

/**
 * A local HTTP endpoint that keeps every delivery as the hub's receiver would see it (raw bytes,
 * headers, query), so the suite can hand real emulator deliveries to `verifyWebhook`.
 */
export class WebhookReceiver {
  readonly deliveries: WebhookRequest[] = [];
  private readonly server = createServer((req, res) => {
    void collect(req).then((rawBody) => {
      this.deliveries.push({ headers: flatHeaders(req), rawBody, query: Object.fromEntries(new URL(req.url ?? '/', 'http://receiver').searchParams) });
      res.statusCode = 204;
      res.end();
    });
  });

  /** Listens on a free local port and resolves with the URL to subscribe. */
  async start(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', resolve);
    });
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhook`;
  }

  async close(): Promise<void> {
    if (!this.server.listening) return;
    await new Promise<void>((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }
}

async function collect(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function flatHeaders(req: IncomingMessage): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  return headers;
}
