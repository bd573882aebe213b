import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Fragment, useState } from 'react';
import { Link } from 'react-router';
import { api, ok, type Answer } from '../api/client';
import { useSession } from '../api/session';
import { download } from '../components/download';
import { Problem } from '../components/Problem';
import { When } from '../components/When';

type Item = Answer<'/api/v1/sync-runs/{id}/items', 'get'>['items'][number];

const CATEGORY_TEXT: Record<Item['category'], string> = {
  field_drift: 'Fields differ',
  missing_external: 'Gone from the platform',
  not_created: 'Never created on the platform',
  relink: 'Linked to the wrong record',
  orphan_external: 'On the platform only',
};
const ITEMS_SHOWN = 500;
const show = (v: unknown) => (v === null || v === undefined || v === '' ? '(empty)' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** Items whose drift is the same (same fields, same values on each side) are one group: one decision covers them. */
function groupsOf(items: Item[]): Array<{ key: string; category: Item['category']; label: string; items: Item[] }> {
  const groups = new Map<string, { key: string; category: Item['category']; label: string; items: Item[] }>();
  for (const item of items) {
    const drift = item.fields.map((f) => `${f.field}: hub ${show(f.hub)} / platform ${show(f.external)} (${f.action})`).sort();
    const key = `${item.category}|${item.action}|${drift.join('|')}`;
    const label = drift.length > 0 ? drift.join('; ') : `${item.action}`;
    const group = groups.get(key) ?? { key, category: item.category, label, items: [] };
    group.items.push(item);
    groups.set(key, group);
  }
  return [...groups.values()].sort((a, b) => b.items.length - a.items.length);
}

/** A run: its progress while it runs, then what it found, by category and by identical drift, with Apply for a plan. */
export function RunView({ runId }: { runId: string }) {
  const { canEdit } = useSession();
  const queries = useQueryClient();
  const [exportError, setExportError] = useState<unknown>(null);
  const run = useQuery({
    queryKey: ['run', runId],
    queryFn: () => ok(api.GET('/api/v1/sync-runs/{id}', { params: { path: { id: runId } } })),
    refetchInterval: (q) => (q.state.data?.status === 'running' ? 1_000 : false),
  });
  const finished = run.data !== undefined && run.data.status !== 'running';
  const items = useQuery({
    queryKey: ['run-items', runId, run.data?.applied_at ?? null],
    queryFn: () => ok(api.GET('/api/v1/sync-runs/{id}/items', { params: { path: { id: runId }, query: { limit: ITEMS_SHOWN } } })),
    enabled: finished,
  });
  const apply = useMutation({
    mutationFn: () => ok(api.POST('/api/v1/sync-runs/{id}/apply', { params: { path: { id: runId } } })),
    onSuccess: () => queries.invalidateQueries({ queryKey: ['run', runId] }),
  });
  const r = run.data;
  if (!r) return <Problem error={run.error} />;
  const exportPart = (part: 'items' | 'errors' | 'all') =>
    download(`/api/v1/sync-runs/${r.id}/export?part=${part}`, `run-${r.id}-${part}.csv`).catch(setExportError);
  return (
    <section aria-label={`Run ${r.id.slice(0, 8)}`} className="run">
      <h2>{r.dry_run ? 'Plan' : 'Run'} {r.id.slice(0, 8)}: {r.status}{r.applied_at ? ', applied' : ''}</h2>
      <p className="meta">{r.type} · {r.trigger} · started <When at={r.started_at} />{r.completed_at && <> · finished <When at={r.completed_at} /></>}</p>
      {r.status === 'running' && (
        <p>
          <label htmlFor={`progress-${r.id}`}>Checked {r.total_checked}{r.total_expected ? ` of ${r.total_expected}` : ''} records</label>
          <progress id={`progress-${r.id}`} max={r.total_expected ?? undefined} value={r.total_checked} />
        </p>
      )}
      {r.error && <p className="error-text">{r.error}</p>}
      <dl className="counts">
        <dt>In sync</dt><dd>{r.counts.in_sync}</dd>
        {(Object.keys(CATEGORY_TEXT) as Array<Item['category']>).map((c) => (
          <Fragment key={c}><dt>{CATEGORY_TEXT[c]}</dt><dd>{r.counts[c]}</dd></Fragment>
        ))}
        <dt>Healed</dt><dd>{r.auto_healed}</dd>
        <dt>Failed</dt><dd>{r.failed_items}</dd>
      </dl>
      <div className="actions">
        {canEdit && r.dry_run && finished && !r.applied_at && r.discrepancies_found > 0 && (
          <button type="button" disabled={apply.isPending} onClick={() => apply.mutate()}>Apply plan</button>
        )}
        <button type="button" className="secondary" onClick={() => exportPart('items')}>Export items (CSV)</button>
        <button type="button" className="secondary" onClick={() => exportPart('errors')}>Export errors (CSV)</button>
        <button type="button" className="secondary" onClick={() => exportPart('all')}>Export all (CSV)</button>
      </div>
      <Problem error={apply.error ?? exportError ?? items.error} />
      {items.data && items.data.total > items.data.items.length && <p className="hint">The first {items.data.items.length} of {items.data.total} items; the CSV export has all of them.</p>}
      {items.data && groupsOf(items.data.items).map((g) => (
        <details key={g.key} className="drift-group" open={g.items.length <= 5}>
          <summary>
            <strong>{CATEGORY_TEXT[g.category]}</strong>: {g.label} <span className="count">({g.items.length} {g.items.length === 1 ? 'record' : 'records'})</span>
          </summary>
          <table>
            <thead><tr><th scope="col">Hub record</th><th scope="col">Platform record</th><th scope="col">Action</th><th scope="col">Outcome</th><th scope="col">Message</th></tr></thead>
            <tbody>
              {g.items.map((i) => (
                <tr key={i.id}>
                  <td>{i.record_id ? (i.record_kind === 'incident' ? <Link to={`/incidents/${i.record_id}`}>{i.record_id.slice(0, 8)}</Link> : i.record_id.slice(0, 8)) : ''}</td>
                  <td>{i.external_number ?? i.external_id ?? ''}</td>
                  <td>{i.action}</td>
                  <td>{i.outcome}</td>
                  <td>{i.message ?? i.fields.map((f) => f.reason).join('; ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ))}
    </section>
  );
}

type RunRow = Answer<'/api/v1/sync-runs', 'get'>['items'][number];
const kindOf = (r: RunRow) => (r.dry_run ? (r.applied_at ? 'plan, applied' : 'plan') : r.auto_heal ? 'heal' : 'report');

/** Runs as rows, newest first, each with a button that shows it. */
export function RunsTable({ runs, caption, integrationName, onShow }: { runs: RunRow[]; caption: string; integrationName?: (id: string) => string; onShow(id: string): void }) {
  return (
    <table>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Started</th>{integrationName && <th scope="col">Integration</th>}<th scope="col">Type</th><th scope="col">Trigger</th><th scope="col">Status</th>
          <th scope="col">Checked</th><th scope="col">Differences</th><th scope="col">Healed</th><th scope="col">Show</th>
        </tr>
      </thead>
      <tbody>
        {runs.map((r) => (
          <tr key={r.id}>
            <td><When at={r.started_at} /></td>
            {integrationName && <td>{integrationName(r.integration_id)}</td>}
            <td>{r.type} ({kindOf(r)})</td>
            <td>{r.trigger}</td>
            <td>{r.status}</td>
            <td>{r.total_checked}</td>
            <td>{r.discrepancies_found}</td>
            <td>{r.auto_healed}</td>
            <td><button type="button" className="secondary" aria-label={`Show run ${r.id.slice(0, 8)}`} onClick={() => onShow(r.id)}>Show</button></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
