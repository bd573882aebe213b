import { createHash } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import type { DataSource } from 'typeorm';
import type { Clock } from '../contracts/Clock';
import type { InboundEvent, WebhookRequest } from '../contracts/InboundEvent';
import { TOKENS } from '../di/tokens';
import { ErrorCodes } from '../errors/codes';
import { AuthenticationError, NotFoundError, ValidationError } from '../errors/HubError';
import { IntegrationRuntimes } from './IntegrationRuntimes';
import { mappedExternal } from '../mapping/FieldMapper';
import { queueWebhookEvent, rememberDelivery, type DeliveryBody } from './stores/InboxStore';
import type { Db } from './stores/db';
import { DEFAULT_REPLAY_WINDOW_HOURS } from '../integrations/genericSettings';
import { SyncSignals } from './Wakeup';
import { inSpan, SPANS } from './tracing';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface WebhookReceipt {
  queued: number;
  /** Events of deliveries seen before (replays: the same body, or the same delivery id). */
  duplicates: number;
  /** Events about a version the hub already holds: its own writes coming back. */
  echoes: number;
}

/**
 * `POST /api/v1/webhooks/{integration_id}`: verifies the platform's signature over the raw body,
 * drops replays (a body accepted within the integration's replay window, or a delivery id seen
 * before) and queues the events; processing happens in the inbox worker, also while syncing is
 * switched off. Two identical bodies are the same notification, and the hub reads the record's
 * current state anyway, so refusing the second loses nothing.
 */
@injectable()
export class WebhookReceiver {
  constructor(
    @inject(TOKENS.DataSource) private readonly db: DataSource,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(SyncSignals) private readonly signals: SyncSignals,
    private readonly runtimes: IntegrationRuntimes,
  ) {}

  async receive(integrationId: string, request: WebhookRequest): Promise<WebhookReceipt> {
    const runtime = UUID.test(integrationId) ? await this.runtimes.load(integrationId) : undefined;
    if (!runtime) throw new NotFoundError('Integration', integrationId);
    const attributes = { 'sync.integration_id': runtime.id, 'sync.integration_type': runtime.type, 'sync.direction': 'inbound' };
    return inSpan(SPANS.webhook, attributes, async (span) => {
      const { adapter } = runtime;
      if (!adapter.verifyWebhook || !adapter.parseWebhook) throw new NotFoundError('Webhook receiver for integration', runtime.row.name);
      const verified = adapter.verifyWebhook(request);
      if (!verified.ok) throw new AuthenticationError(verified.error.message, ErrorCodes.WEBHOOK_INVALID_SIGNATURE);
      const parsed = adapter.parseWebhook(request);
      if (!parsed.ok) throw new ValidationError(parsed.error.message, [{ field: '(body)', message: parsed.error.message }]);
      const digest = createHash('sha256').update(request.rawBody).digest('hex');
      const undeclared = parsed.value.find((event) => !runtime.kinds.includes(event.record.kind));
      if (undeclared) {
        throw new ValidationError(`The ${runtime.type} adapter sent an event about '${undeclared.record.kind}' records, a kind it does not declare.`, [{ field: '(body)', message: 'undeclared record kind' }]);
      }
      const now = this.clock.now();
      const body: DeliveryBody = {
        digest,
        windowMs: (runtime.settings.replay_window_hours ?? DEFAULT_REPLAY_WINDOW_HOURS) * 3_600_000,
        warning: verified.value === true ? null : verified.value.warning,
      };
      const events = parsed.value;
      const receipt: WebhookReceipt = { queued: 0, duplicates: 0, echoes: 0 };
      const queue = async (db: Db, event: InboundEvent, index: number, remember?: DeliveryBody) => {
        const deliveryId = event.deliveryId ?? `body:${digest.slice(0, 32)}:${index}`;
        const target = { organizationId: runtime.organizationId, integrationId: runtime.id, versions: runtime.versionsFor(event.record.kind) };
        const mapped = mappedExternal(event.record.fields, runtime.mappingsFor(event.record.kind));
        const outcome = await queueWebhookEvent(db, target, deliveryId, event, mapped, now, remember);
        if (outcome.queued) receipt.queued += 1;
        else if (outcome.fresh) receipt.echoes += 1;
        else receipt.duplicates += 1;
      };
      if (events.length === 1) {
        // The common delivery: its body is remembered in the statement that queues its event.
        await queue(this.db, events[0], 0, body);
      } else {
        // A body is remembered only together with every event it queued, so a delivery that failed
        // half way is not refused as a replay when the platform sends it again.
        await this.db.transaction(async (tx) => {
          if (!(await rememberDelivery(tx, runtime.id, body, now))) {
            receipt.duplicates = events.length;
            return;
          }
          for (const [index, event] of events.entries()) await queue(tx, event, index);
        });
      }
      span.setAttribute('sync.result', receipt.queued > 0 ? 'success' : 'skipped');
      if (receipt.queued > 0) this.signals.inbox.notify();
      return receipt;
    });
  }
}
