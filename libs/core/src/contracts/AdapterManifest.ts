import type { FieldMapping } from './FieldMapping';
import type { RecordKind } from './RecordKind';

/** Minimal schema surface the host relies on; a zod schema satisfies it. */
export interface Schema<T = unknown> {
  safeParse(input: unknown): { success: true; data: T } | { success: false; error: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> } };
}

export type Capability = 'read' | 'find' | 'list' | 'create' | 'update' | 'delete' | 'comment' | 'relate' | 'webhook' | 'batch';

export interface AdapterManifest {
  /** Integration type users pick (`servicenow`). Lowercase letters, digits and dashes. */
  type: string;
  /** Other names accepted for the type (`haloitsm` for `halo`). */
  aliases?: string[];
  displayName: string;
  /** The adapter package's own version. */
  version: string;
  /** semver range of the adapter SPI this adapter was written against (`^1.0.0`). */
  coreRange: string;
  /** Credential object accepted at integration create/update. Keys are stored encrypted. */
  credentialSchema: Schema;
  /** Adapter-specific settings (`settings` of the integration). */
  settingsSchema: Schema;
  capabilities: Partial<Record<RecordKind, Capability[]>>;
  defaultMappings: Partial<Record<RecordKind, FieldMapping[]>>;
}
