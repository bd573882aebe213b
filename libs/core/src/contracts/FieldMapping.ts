import type { SyncDirection } from './SyncDirection';

/** How one canonical field maps to one platform field. Mappings are data, stored per integration. */
export interface FieldMapping {
  field: string;
  externalField: string;
  direction: Exclude<SyncDirection, 'none'>;
  /** Canonical value -> platform value. Reverse lookups take the first canonical value that maps. */
  valueMap?: Record<string, string>;
  /** Platform value used when the canonical value is empty. */
  default?: string;
}
