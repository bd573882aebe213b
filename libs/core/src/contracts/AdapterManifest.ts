import type { FieldMapping } from './FieldMapping';
import type { RecordKind, VersionOrder } from './RecordKind';

/** Minimal schema surface the host relies on; a zod schema satisfies it. */
export interface Schema<T = unknown> {
  safeParse(input: unknown): { success: true; data: T } | { success: false; error: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> } };
}

/** `scan`: `list` with `scope: 'all'` lists every record in scope (reconciliation), not only changes. */
export const OPERATIONS = ['read', 'find', 'list', 'scan', 'create', 'update', 'delete', 'comment', 'relate', 'webhook'] as const;
export type Operation = (typeof OPERATIONS)[number];

/** What an adapter can do with one operation on one kind; `true` means supported with the defaults. */
export interface OperationCapability {
  /**
   * Operations of this kind and type one `write` call may carry (default 1): the hub hands the
   * adapter up to this many at once, and the adapter sends them in as few platform calls as it can.
   */
  batchSize?: number;
  /**
   * Rate-limit units one `write` call of a batch costs, whatever its size (a batch endpoint the
   * platform counts as one request). Absent: one unit per operation.
   */
  batchCost?: number;
}

/** The operations an adapter supports on one kind of record, and how its versions compare. */
export interface KindCapabilities {
  operations: Partial<Record<Operation, true | OperationCapability>>;
  /** Default `opaque`: versions are only compared for equality. */
  versions?: VersionOrder;
}

export interface AdapterManifest {
  /** Integration type users pick (`servicenow`). Lowercase letters, digits and dashes. */
  type: string;
  /** Other names accepted for the type (`haloitsm` for `halo`). */
  aliases?: string[];
  displayName: string;
  /** The adapter package's own version. */
  version: string;
  /** semver range of the adapter SPI this adapter was written against (`^2.0.0`). */
  coreRange: string;
  /** Credential object accepted at integration create/update. Keys are stored encrypted. */
  credentialSchema: Schema;
  /** Adapter-specific settings (`settings` of the integration). */
  settingsSchema: Schema;
  /** Per kind of record, the operations the adapter supports; a kind not listed is not synced. */
  capabilities: Partial<Record<RecordKind, KindCapabilities>>;
  defaultMappings: Partial<Record<RecordKind, FieldMapping[]>>;
  /**
   * Settings an integration that writes to the platform cannot do without (Jira's `project_key`):
   * saving one that sends records out without them is refused, naming the field.
   */
  requiredToWrite?: string[];
  /**
   * Settings a new integration gets unless its creator sets them: defaults that must not change
   * integrations created before (a stricter check that older platform-side setups would fail).
   */
  newIntegrationSettings?: Record<string, unknown>;
  /** Markdown: how to set the platform side up (a user and its rights, webhooks), shown by the CLI and the console. */
  setupSteps?: string;
}

/** True when the manifest declares `operation` on `kind`. */
export function supports(manifest: Pick<AdapterManifest, 'capabilities'>, kind: RecordKind, operation: Operation): boolean {
  return Boolean(manifest.capabilities[kind]?.operations[operation]);
}

/** How many operations of one kind and type go in one `write` call, and what such a call costs. */
export function batching(manifest: Pick<AdapterManifest, 'capabilities'>, kind: RecordKind, operation: Operation): { size: number; cost: (operations: number) => number } {
  const declared = manifest.capabilities[kind]?.operations[operation];
  const capability = typeof declared === 'object' ? declared : {};
  const size = Math.max(1, Math.floor(capability.batchSize ?? 1));
  return { size, cost: (operations) => capability.batchCost ?? operations };
}

/** The kinds a manifest declares, in declaration order. */
export function declaredKinds(manifest: Pick<AdapterManifest, 'capabilities'>): RecordKind[] {
  return Object.keys(manifest.capabilities);
}
