import type { EmulatorContext } from '@itsm-hub/core/emulator';
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

/**
 * Encoded-query subset: `^`-joined conditions with `=`, `!=`, `>=`, `<=`, `>`, `<`, `IN` (comma list)
 * and `LIKE` (contains), on columns or fields dot-walked through references (`role.name`),
 * `ORDERBY<field>` and `ORDERBYDESC<field>`. Values compare as strings, which orders
 * `yyyy-MM-dd HH:mm:ss` dates correctly. Conditions on unknown fields are ignored, as instances do
 * by default. Script values (`javascript:`) must be resolved by the caller first.
 */
export function applyQuery(table: string, rows: Row[], query: string | undefined, lookup: RowLookup): Row[] {
  if (!query) return rows;
  const columns = new Set(rows.flatMap((r) => Object.keys(r)));
  const known = (field: string) => (field.includes('.') ? REFERENCES[table]?.[field.split('.')[0]] !== undefined : columns.has(field));
  let result = rows;
  const orders: Array<{ field: string; desc: boolean }> = [];
  for (const term of query.split('^')) {
    const order = /^ORDERBY(DESC)?(.+)$/.exec(term);
    if (order) {
      orders.push({ field: order[2], desc: order[1] !== undefined });
      continue;
    }
    const condition = /^([a-z0-9_.]+?)(!=|>=|<=|=|>|<|IN|LIKE)(.*)$/.exec(term);
    if (!condition || !known(condition[1])) continue;
    const [, field, op, value] = condition;
    result = result.filter((r) => matches(dotWalk(table, r, field.split('.'), lookup), op, value));
  }
  if (orders.length === 0) return result;
  return [...result].sort((a, b) => {
    for (const { field, desc } of orders) {
      const cmp = compare(a[field] ?? '', b[field] ?? '');
      if (cmp !== 0) return desc ? -cmp : cmp;
    }
    return 0;
  });
}

function matches(actual: string, op: string, value: string): boolean {
  switch (op) {
    case '=': return actual === value;
    case '!=': return actual !== value;
    case '>=': return compare(actual, value) >= 0;
    case '<=': return compare(actual, value) <= 0;
    case '>': return compare(actual, value) > 0;
    case '<': return compare(actual, value) < 0;
    case 'IN': return value.split(',').includes(actual);
    default: return actual.toLowerCase().includes(value.toLowerCase());
  }
}

// Code-unit order, not locale order: dates and sys_ids must sort the way the instance's database sorts them.
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Finds a row of another table, for dot-walked fields. */
export type RowLookup = (table: string, sysId: string) => Row | undefined;

/**
 * Renders a stored row: field selection (with dot-walks through references such as
 * `assigned_to.email`), and references as {link, value} unless excluded.
 */
export function render(ctx: EmulatorContext, table: string, row: Row, lookup: RowLookup): Record<string, unknown> {
  const fields = param(ctx, 'sysparm_fields')?.split(',').map((f) => f.trim()).filter(Boolean);
  const excludeLinks = param(ctx, 'sysparm_exclude_reference_link') === 'true';
  const references = REFERENCES[table] ?? {};
  const out: Record<string, unknown> = {};
  for (const field of fields ?? Object.keys(row)) {
    if (field.includes('.')) {
      out[field] = dotWalk(table, row, field.split('.'), lookup);
      continue;
    }
    const value = row[field] ?? '';
    const target = references[field];
    out[field] = target && value !== '' && !excludeLinks ? { link: `${origin(ctx)}/api/now/table/${target}/${value}`, value } : value;
  }
  return out;
}

export function dotWalk(table: string, row: Row, path: string[], lookup: RowLookup): string {
  const [head, ...rest] = path;
  const value = row[head] ?? '';
  if (rest.length === 0) return value;
  const target = REFERENCES[table]?.[head];
  const next = target && value !== '' ? lookup(target, value) : undefined;
  return next && target ? dotWalk(target, next, rest, lookup) : '';
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
  const matching = applyQuery(table, rows, query.query, lookup);
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
