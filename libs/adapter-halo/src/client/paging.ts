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

export function encodePageToken(token: PageToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

export function decodePageToken(page: string): PageToken {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(page, 'base64url').toString('utf8'));
  } catch {
    raw = undefined;
  }
  const parsed = pageTokenSchema.safeParse(raw);
  // A token this adapter did not issue is a caller bug, not a vendor failure.
  if (!parsed.success) throw new ValidationError(`Not a Halo page token: ${page}`);
  return parsed.data;
}

/**
 * Whether a numbered query (`page_no` of `page_size` rows) goes on past `page`, by Halo's `record_count`
 * for the whole query. An empty page ends it whatever the count says, so a count that runs ahead of the
 * rows Halo returns cannot keep a caller asking for pages that will never fill.
 */
export function hasPageAfter(page: number, size: number, recordCount: number, received: number): boolean {
  return received > 0 && recordCount > page * size;
}
