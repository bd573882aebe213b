import { ValidationError, z } from '@itsm-hub/core';

/**
 * Where the next page of a listing starts: tickets last updated at or after `from` (absent: all), page
 * `page` of that query. Pages are keyed by time rather than numbered through one query, because a ticket
 * changed while the listing runs moves to its end and would shift every later ticket one page back.
 * `seen` holds the ids the previous page returned at the times the next query reaches back to, so they
 * are not returned twice unless they changed since.
 */
const pageTokenSchema = z.strictObject({
  from: z.string().optional(),
  page: z.number().int().positive(),
  seen: z.array(z.number().int()).optional(),
});
export type PageToken = z.infer<typeof pageTokenSchema>;

/**
 * Where the next page of a scan starts: page `page` of every ticket ordered by id. Numbered pages suit
 * a scan: an update moves no ticket, and a new ticket gets the highest id, so it joins the end.
 */
const scanTokenSchema = z.strictObject({ scan: z.literal(true), page: z.number().int().positive() });
export type ScanToken = z.infer<typeof scanTokenSchema>;

const TOKENS = { changes: pageTokenSchema, all: scanTokenSchema };
const LISTINGS = { changes: 'an incremental listing', all: 'a scan' };
type Listing = keyof typeof TOKENS;

export function encodePageToken(token: PageToken | ScanToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

/** The token of a listing of the given kind (`changes`: incremental, `all`: scan). */
export function decodePageToken<L extends Listing>(page: string, listing: L): z.infer<(typeof TOKENS)[L]> {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(page, 'base64url').toString('utf8'));
  } catch {
    raw = undefined;
  }
  const parsed = TOKENS[listing].safeParse(raw);
  if (parsed.success) return parsed.data as z.infer<(typeof TOKENS)[L]>;
  // A token this adapter did not issue, or issued for the other kind of listing, is a caller bug, not a vendor failure.
  const other: Listing = listing === 'all' ? 'changes' : 'all';
  if (TOKENS[other].safeParse(raw).success) throw new ValidationError(`Halo page token of ${LISTINGS[other]} given to ${LISTINGS[listing]}: ${page}`);
  throw new ValidationError(`Not a Halo page token: ${page}`);
}

/**
 * Whether a numbered query (`page_no` of `page_size` rows) goes on past `page`, by Halo's `record_count`
 * for the whole query. An empty page ends it whatever the count says, so a count that runs ahead of the
 * rows Halo returns cannot keep a caller asking for pages that will never fill.
 */
export function hasPageAfter(page: number, size: number, recordCount: number, received: number): boolean {
  return received > 0 && recordCount > page * size;
}
