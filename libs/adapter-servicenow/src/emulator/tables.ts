import type { EmulatorContext } from '@itsm-hub/core/emulator';
import { displayValue, walk, type RowLookup, type Walked } from './fields';
import { parseQuery, runQuery } from './query';
import { REFERENCES, type Row } from './seed';

/** Default page size of a Table API list (seen in generated clients; unconfirmed). */
const DEFAULT_LIMIT = 10_000;

export function sendJson(ctx: EmulatorContext, status: number, body: unknown, headers: Record<string, string> = {}): void {
  ctx.status = status;
  for (const [name, value] of Object.entries(headers)) ctx.set(name, value);
  ctx.set('Content-Type', 'application/json;charset=UTF-8');
  ctx.body = body;
}

/** The Table API error envelope; `detail` may be null. */
export function sendError(ctx: EmulatorContext, status: number, message: string, detail: string | null): void {
  sendJson(ctx, status, { error: { message, detail }, status: 'failure' });
}

function origin(ctx: EmulatorContext): string {
  return `${ctx.protocol}://${ctx.host}`;
}

export function param(ctx: EmulatorContext, name: string): string | undefined {
  const value = ctx.query[name];
  return Array.isArray(value) ? value[0] : value;
}

const DISPLAY_MODES = ['false', 'true', 'all'];

/**
 * Answers 400 for a sysparm_display_value other than true, false or all, and says whether the
 * request may go on. The emulator refuses rather than guess what an instance makes of other values.
 */
export function acceptsDisplayValue(ctx: EmulatorContext): boolean {
  const value = param(ctx, 'sysparm_display_value');
  if (value === undefined || DISPLAY_MODES.includes(value)) return true;
  // Wording is the emulator's own.
  sendError(ctx, 400, `Invalid sysparm_display_value ${value}`, 'The emulator answers true, false and all');
  return false;
}

/**
 * Renders a stored row: field selection (with dot-walks through references such as
 * `assigned_to.email`), references as {link, value} unless excluded, and with sysparm_display_value
 * the display value alone (true) or beside the value (all).
 */
export function render(ctx: EmulatorContext, table: string, row: Row, lookup: RowLookup): Record<string, unknown> {
  const fields = param(ctx, 'sysparm_fields')?.split(',').map((f) => f.trim()).filter(Boolean);
  const present = presenter(ctx, lookup);
  const out: Record<string, unknown> = {};
  for (const field of fields ?? Object.keys(row)) out[field] = present(walk(table, row, field.split('.'), lookup));
  return out;
}

/** Shapes one field's value the way the request's sysparm_display_value and sysparm_exclude_reference_link ask. */
function presenter(ctx: EmulatorContext, lookup: RowLookup): (walked: Walked) => unknown {
  // acceptsDisplayValue let through only the known modes.
  const mode = param(ctx, 'sysparm_display_value') ?? 'false';
  const excludeLinks = param(ctx, 'sysparm_exclude_reference_link') === 'true';
  return (walked) => {
    const { value } = walked;
    const target = REFERENCES[walked.table]?.[walked.column];
    const link = target && value !== '' && !excludeLinks ? `${origin(ctx)}/api/now/table/${target}/${value}` : undefined;
    if (mode === 'false') return link ? { link, value } : value;
    const display = displayValue(walked, lookup);
    if (mode === 'true') return link ? { display_value: display, link } : display;
    return link ? { display_value: display, link, value } : { display_value: display, value };
  };
}

/**
 * The request's sysparm_query with `javascript:gs.getUserID()` replaced by the caller's sys_id, as
 * instances evaluate it. Any other script is refused: the emulator cannot run it, and ignoring it
 * would match rows the instance would not.
 */
export function resolveScripts(query: string | undefined, currentUserId: string): { ok: true; query?: string } | { ok: false; script: string } {
  const resolved = query?.split('javascript:gs.getUserID()').join(currentUserId);
  const script = /javascript:[^^]*/.exec(resolved ?? '')?.[0];
  return script ? { ok: false, script } : { ok: true, query: resolved };
}

/** GET /api/now/table/{table}: {"result":[...]} with X-Total-Count and a first/prev/next/last Link header. */
export function listRows(ctx: EmulatorContext, table: string, rows: Row[], lookup: RowLookup, currentUserId: string): void {
  const offset = Number(param(ctx, 'sysparm_offset') ?? 0);
  if (Number.isFinite(offset) && offset < 0) return sendError(ctx, 400, `offset is ${offset}`, 'Negative offset is not supported');
  const limitParam = Number(param(ctx, 'sysparm_limit'));
  const limit = Number.isInteger(limitParam) && limitParam > 0 ? limitParam : DEFAULT_LIMIT;
  const start = Number.isInteger(offset) ? offset : 0;
  const query = resolveScripts(param(ctx, 'sysparm_query'), currentUserId);
  // Wording is the emulator's own: no instance answers this.
  if (!query.ok) return sendError(ctx, 400, 'Script not emulated', `The emulator evaluates only javascript:gs.getUserID(), not ${query.script}`);
  const parsed = parseQuery(table, query.query ?? '');
  // Wording is the emulator's own: instances drop such terms (see parseQuery).
  if (!parsed.ok) return sendError(ctx, 400, `Invalid encoded query term '${parsed.term}'`, parsed.reason);
  const matching = runQuery(table, rows, parsed.query, lookup);
  const page = matching.slice(start, start + limit).map((row) => render(ctx, table, row, lookup));

  const headers: Record<string, string> = {};
  if (param(ctx, 'sysparm_no_count') !== 'true') headers['X-Total-Count'] = String(matching.length);
  if (param(ctx, 'sysparm_suppress_pagination_header') !== 'true') headers.Link = linkHeader(ctx, start, limit, matching.length);
  sendJson(ctx, 200, { result: page }, headers);
}

function linkHeader(ctx: EmulatorContext, offset: number, limit: number, total: number): string {
  const at = (o: number) => {
    const params = new URLSearchParams(ctx.querystring);
    params.delete('sysparm_offset');
    params.set('sysparm_offset', String(o));
    return `<${origin(ctx)}${ctx.path}?${params.toString().replace(/%2C/gi, ',')}>`;
  };
  const last = total === 0 ? 0 : Math.floor((total - 1) / limit) * limit;
  // Instances emit rel="prev" even on the first page, with a negative offset.
  const links = [`${at(0)};rel="first"`, `${at(offset - limit)};rel="prev"`];
  if (offset + limit < total) links.push(`${at(offset + limit)};rel="next"`);
  links.push(`${at(last)};rel="last"`);
  return links.join(',');
}

/** GET /api/now/table/{table}/{sys_id}. */
export function getRow(ctx: EmulatorContext, table: string, rows: Row[], sysId: string, lookup: RowLookup): void {
  const row = rows.find((r) => r.sys_id === sysId);
  if (!row) return sendNotFound(ctx);
  sendJson(ctx, 200, { result: render(ctx, table, row, lookup) });
}

// Wording commonly reported; unconfirmed from a ServiceNow reference page.
export function sendNotFound(ctx: EmulatorContext): void {
  sendError(ctx, 404, 'No Record found', "Record doesn't exist or ACL restricts the record retrieval");
}
