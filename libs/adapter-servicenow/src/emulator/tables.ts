import type { EmulatorContext } from '@itsm-hub/core';
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

function param(ctx: EmulatorContext, name: string): string | undefined {
  const value = ctx.query[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Encoded-query subset: `^`-joined `field=value` and `field!=value`, `ORDERBY<field>` and
 * `ORDERBYDESC<field>`. Conditions on unknown fields are ignored, as instances do by default.
 */
export function applyQuery(rows: Row[], query: string | undefined): Row[] {
  if (!query) return rows;
  const columns = new Set(rows.flatMap((r) => Object.keys(r)));
  let result = rows;
  const orders: Array<{ field: string; desc: boolean }> = [];
  for (const term of query.split('^')) {
    const order = /^ORDERBY(DESC)?(.+)$/.exec(term);
    if (order) {
      orders.push({ field: order[2], desc: order[1] !== undefined });
      continue;
    }
    const condition = /^([A-Za-z0-9_.]+?)(!=|=)(.*)$/.exec(term);
    if (!condition || !columns.has(condition[1])) continue;
    const [, field, op, value] = condition;
    result = result.filter((r) => ((r[field] ?? '') === value) === (op === '='));
  }
  if (orders.length === 0) return result;
  return [...result].sort((a, b) => {
    for (const { field, desc } of orders) {
      const cmp = (a[field] ?? '').localeCompare(b[field] ?? '');
      if (cmp !== 0) return desc ? -cmp : cmp;
    }
    return 0;
  });
}

/** Renders a stored row: field selection, and references as {link, value} unless excluded. */
function render(ctx: EmulatorContext, table: string, row: Row): Record<string, unknown> {
  const fields = param(ctx, 'sysparm_fields')?.split(',').map((f) => f.trim()).filter(Boolean);
  const excludeLinks = param(ctx, 'sysparm_exclude_reference_link') === 'true';
  const references = REFERENCES[table] ?? {};
  const out: Record<string, unknown> = {};
  for (const field of fields ?? Object.keys(row)) {
    const value = row[field] ?? '';
    const target = references[field];
    out[field] = target && value !== '' && !excludeLinks ? { link: `${origin(ctx)}/api/now/table/${target}/${value}`, value } : value;
  }
  return out;
}

/** GET /api/now/table/{table}: {"result":[...]} with X-Total-Count and a first/prev/next/last Link header. */
export function listRows(ctx: EmulatorContext, table: string, rows: Row[]): void {
  const offset = Number(param(ctx, 'sysparm_offset') ?? 0);
  if (Number.isFinite(offset) && offset < 0) return sendError(ctx, 400, `offset is ${offset}`, 'Negative offset is not supported');
  const limitParam = Number(param(ctx, 'sysparm_limit'));
  const limit = Number.isInteger(limitParam) && limitParam > 0 ? limitParam : DEFAULT_LIMIT;
  const start = Number.isInteger(offset) ? offset : 0;
  const matching = applyQuery(rows, param(ctx, 'sysparm_query'));
  const page = matching.slice(start, start + limit).map((row) => render(ctx, table, row));

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
export function getRow(ctx: EmulatorContext, table: string, rows: Row[], sysId: string): void {
  const row = rows.find((r) => r.sys_id === sysId);
  // Wording commonly reported; unconfirmed from a ServiceNow reference page.
  if (!row) return sendError(ctx, 404, 'No Record found', "Record doesn't exist or ACL restricts the record retrieval");
  sendJson(ctx, 200, { result: render(ctx, table, row) });
}
