import type { EmulatedIssue } from './state';

/**
 * The JQL subset the emulator understands: clauses joined by AND, each `field op value` with
 * fields project, key, labels, status, issuetype, updated, created; `=`, `!=`, `>=`, `<=`, `>`, `<`;
 * quoted or bare values; `ORDER BY field [ASC|DESC], ...`. Dates are `yyyy-MM-dd[ HH:mm]` read in
 * the searching account's time zone, which the emulator keeps at UTC.
 */
export type JqlQuery = { ok: true; match: (issue: EmulatedIssue) => boolean; order: (a: EmulatedIssue, b: EmulatedIssue) => number; projectKeys: string[]; bounded: boolean } | { ok: false; message: string };

const CLAUSE = /^\s*(\w+)\s*(!=|>=|<=|=|>|<)\s*("(?:[^"\\]|\\.)*"|\S+)\s*$/;
const FIELDS = ['project', 'key', 'labels', 'status', 'issuetype', 'updated', 'created'];

export function parseJql(jql: string): JqlQuery {
  const [where, orderBy = ''] = jql.split(/\border\s+by\b/i);
  const clauses = where.trim() === '' ? [] : where.split(/\s+AND\s+/i);
  const tests: Array<(issue: EmulatedIssue) => boolean> = [];
  const projectKeys: string[] = [];
  for (const clause of clauses) {
    const m = CLAUSE.exec(clause);
    if (!m) return { ok: false, message: `Error in the JQL Query: cannot parse '${clause.trim()}' (the emulator understands field op value clauses joined by AND).` };
    const [, field, op, raw] = m;
    const name = field.toLowerCase();
    if (!FIELDS.includes(name)) return { ok: false, message: `Field '${field}' does not exist or you do not have permission to view it.` };
    const value = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
    if (name === 'project' && op === '=') projectKeys.push(value.toUpperCase());
    if (name === 'updated' || name === 'created') {
      const at = Date.parse(`${value.length === 10 ? `${value} 00:00` : value}`.replace(' ', 'T') + ':00Z');
      if (Number.isNaN(at)) return { ok: false, message: `Date value '${value}' for field '${field}' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd'.` };
      tests.push((issue) => compare(timeOf(issue, name), at, op));
    } else {
      tests.push((issue) => {
        const values = valuesOf(issue, name).map((v) => v.toLowerCase());
        const hit = values.includes(value.toLowerCase());
        return op === '!=' ? !hit : op === '=' ? hit : false;
      });
    }
  }
  const keys = orderBy.split(',').map((part) => part.trim().split(/\s+/)).filter((p) => p[0]);
  const order = (a: EmulatedIssue, b: EmulatedIssue) => {
    for (const [field, direction = 'ASC'] of keys) {
      const name = field.toLowerCase();
      const diff = name === 'updated' || name === 'created' ? timeOf(a, name) - timeOf(b, name) : Number(a.id) - Number(b.id);
      if (diff !== 0) return direction.toUpperCase() === 'DESC' ? -diff : diff;
    }
    return Number(a.id) - Number(b.id);
  };
  return { ok: true, match: (issue) => tests.every((t) => t(issue)), order, projectKeys, bounded: clauses.length > 0 };
}

function valuesOf(issue: EmulatedIssue, field: string): string[] {
  const f = issue.fields as { status?: { name: string }; issuetype?: { name: string }; labels?: string[] };
  switch (field) {
    case 'project': return [issue.projectKey];
    case 'key': return [issue.key];
    case 'labels': return f.labels ?? [];
    case 'status': return f.status ? [f.status.name] : [];
    case 'issuetype': return f.issuetype ? [f.issuetype.name] : [];
    default: return [];
  }
}

function timeOf(issue: EmulatedIssue, field: 'updated' | 'created' | string): number {
  return Date.parse(String(issue.fields[field]).replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
}

function compare(actual: number, literal: number, op: string): boolean {
  switch (op) {
    case '>=': return actual >= literal;
    case '>': return actual > literal;
    case '<=': return actual <= literal;
    case '<': return actual < literal;
    case '=': return actual === literal;
    default: return actual !== literal;
  }
}
