import { ValidationError } from '@itsm-hub/core';

/**
 * Where an incremental listing (`scope: 'changes'`) stands: offset paging through the log entries of a
 * window, from `since` to `until`.
 */
export interface ChangesPage {
  since: string;
  /**
   * The window's end (epoch ms, exclusive) once the listing has moved past the first window, which is
   * open-ended (PagerDuty's default `until`, now). Tokens written before windows existed carry none.
   */
  until?: number;
  offset: number;
  /** Newest log entry time (epoch ms) seen on the earlier pages of this listing. */
  newest?: number;
}

/** Where a full scan (`scope: 'all'`) stands: a window of creation times, paged by offset. Times are epoch ms. */
export interface ScanPage {
  scope: 'all';
  /** The window, `since` inclusive and `until` exclusive. */
  since: number;
  until: number;
  offset: number;
  /** Where the scan stops: the second after it started. */
  end: number;
  /** Incidents in scope when the scan started, when PagerDuty counted them. */
  total?: number;
}

export function encodePage(state: ChangesPage | ScanPage): string {
  return Buffer.from(JSON.stringify(state)).toString('base64url');
}

/**
 * The state of a page token written for `scope`. The two listings page through different calls, so a
 * token of one is refused by the other rather than read as a position it does not describe.
 */
export function decodePage(page: string, scope: 'changes'): ChangesPage;
export function decodePage(page: string, scope: 'all'): ScanPage;
export function decodePage(page: string, scope: 'changes' | 'all'): ChangesPage | ScanPage {
  const state = parse(page);
  const written = isScan(state) ? 'all' : isChanges(state) ? 'changes' : undefined;
  if (written === undefined) throw new ValidationError(`Not a PagerDuty page token: ${page}`);
  if (written !== scope) {
    const [mine, other] = written === 'all' ? ["a full scan (scope 'all')", 'an incremental listing'] : ["an incremental listing (scope 'changes')", "a full scan (scope 'all')"];
    throw new ValidationError(`This PagerDuty page token belongs to ${mine} and cannot continue ${other}`);
  }
  return state as unknown as ChangesPage | ScanPage;
}

function parse(page: string): Record<string, unknown> | undefined {
  try {
    const state: unknown = JSON.parse(Buffer.from(page, 'base64url').toString('utf8'));
    return typeof state === 'object' && state !== null ? (state as Record<string, unknown>) : undefined;
  } catch {
    // Not JSON: a token this adapter did not write.
    return undefined;
  }
}

function isChanges(state: Record<string, unknown> | undefined): boolean {
  return (
    state !== undefined &&
    !('scope' in state) &&
    typeof state.since === 'string' &&
    (state.until === undefined || Number.isInteger(state.until)) &&
    isOffset(state.offset) &&
    (state.newest === undefined || typeof state.newest === 'number')
  );
}

function isScan(state: Record<string, unknown> | undefined): boolean {
  return (
    state !== undefined &&
    state.scope === 'all' &&
    [state.since, state.until, state.end].every(Number.isInteger) &&
    isOffset(state.offset) &&
    (state.total === undefined || isOffset(state.total))
  );
}

function isOffset(value: unknown): boolean {
  return Number.isInteger(value) && (value as number) >= 0;
}
