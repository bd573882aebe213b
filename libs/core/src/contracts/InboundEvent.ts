import type { ExternalRecord } from './ExternalRecord';

/** A webhook delivery as the receiver saw it: raw bytes are kept because signatures cover them. */
export interface WebhookRequest {
  headers: Record<string, string | undefined>;
  rawBody: Buffer;
  query: Record<string, string | undefined>;
}

export type InboundEventType = 'created' | 'updated' | 'deleted' | 'commented';

export interface InboundEvent {
  type: InboundEventType;
  /** Delivery or event id used to drop replays. */
  deliveryId?: string;
  /**
   * The record the event is about. Webhooks are notifications: `id` is required, `version` and
   * `updatedAt` should be set when the payload carries them (an event whose version the hub
   * already synced is an echo and costs no read), and `fields` may be partial: the hub reads the
   * record for its current state. A `commented` event carries the new comments in `comments`.
   */
  record: ExternalRecord;
  /** Names of the fields the platform says changed, when it says. */
  changedFields?: string[];
  occurredAt?: string;
}

export type Result<T, E> = { ok: true; value: T } | { ok: false; error: E };

/**
 * A verified delivery, or one accepted with a warning the user should act on (a platform-side
 * script too old to sign a timestamp, say): sync-status shows the warning until a delivery
 * verifies without one.
 */
export type WebhookVerification = true | { warning: string };

export interface WebhookFailure {
  code: 'HUB_ERR_WEBHOOK_INVALID_SIGNATURE' | 'HUB_ERR_VALIDATION_FAILED';
  message: string;
}
