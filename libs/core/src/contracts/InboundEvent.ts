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
  record: ExternalRecord;
  /** Names of the fields the platform says changed, when it says. */
  changedFields?: string[];
  occurredAt?: string;
}

export type Result<T, E> = { ok: true; value: T } | { ok: false; error: E };

export interface WebhookFailure {
  code: 'HUB_ERR_WEBHOOK_INVALID_SIGNATURE' | 'HUB_ERR_VALIDATION_FAILED';
  message: string;
}
