/**
 * Halo's API times are UTC without an offset, `2026-03-01T10:00:00` (see ASSUMPTION last-update). These
 * helpers convert between that form and the hub's ISO 8601 instants.
 */

const HALO_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]00:?00)?$/;

/** Epoch milliseconds of a Halo time; undefined when it is not one. */
export function haloTimeMs(value: string | null | undefined): number | undefined {
  const match = HALO_TIME.exec(value ?? '');
  if (!match) return undefined;
  const ms = Date.parse(`${match[1]}${match[2] ?? ''}Z`);
  return Number.isNaN(ms) ? undefined : ms;
}

/** A Halo time as an ISO 8601 instant; undefined when it is not one. */
export function isoOf(value: string | null | undefined): string | undefined {
  const ms = haloTimeMs(value);
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

/** Epoch milliseconds in Halo's form, to the second. */
export function haloTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}
