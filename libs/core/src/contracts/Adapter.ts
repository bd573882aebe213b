import type { ConnectionCheck } from './ConnectionCheck';
import type { ExternalRecord, FindQuery, ListQuery, RecordPage } from './ExternalRecord';
import type { FieldMapping } from './FieldMapping';
import type { InboundEvent, Result, WebhookFailure, WebhookRequest, WebhookVerification } from './InboundEvent';
import type { RecordKind } from './RecordKind';
import type { ErrorClassification, WriteOperation, WriteResult } from './WriteOperation';

/**
 * One integration's connection to its platform. Optional members follow the manifest's
 * capabilities: the host calls them only for kinds the manifest declares.
 */
export interface Adapter {
  /** Auth, reachability and permission checks, each reported with the vendor's message. */
  testConnection(): Promise<ConnectionCheck[]>;
  /** Turns a failed vendor call (HTTP status and body, or a thrown error) into an action. */
  classifyError(failure: VendorFailure): ErrorClassification;
  read?(kind: RecordKind, id: string): Promise<ExternalRecord | undefined>;
  find?(query: FindQuery): Promise<ExternalRecord | undefined>;
  list?(query: ListQuery): Promise<RecordPage>;
  /** Applies operations in order; batches where the platform can. One result per operation. */
  write?(operations: WriteOperation[]): Promise<WriteResult[]>;
  /**
   * The default mappings of a kind for this integration's settings (a status map set in settings,
   * say); absent means the manifest's `defaultMappings`. Mappings stored on the integration win.
   */
  defaultMappings?(kind: RecordKind): FieldMapping[] | undefined;
  verifyWebhook?(request: WebhookRequest): Result<WebhookVerification, WebhookFailure>;
  parseWebhook?(request: WebhookRequest): Result<InboundEvent[], WebhookFailure>;
  close?(): Promise<void>;
}

export type VendorFailure =
  | { type: 'response'; status: number; headers: Record<string, string>; body: unknown }
  | { type: 'transport'; error: Error };
