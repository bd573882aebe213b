import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, ok } from '../api/client';
import { Problem } from '../components/Problem';
import { useFilterParams } from '../components/useFilterParams';
import { RunsTable, RunView } from './RunView';

const TYPES = ['reconcile', 'import', 'publish'] as const;
const STATUSES = ['running', 'succeeded', 'failed', 'partial', 'canceled'] as const;
type RunType = (typeof TYPES)[number];
type RunStatus = (typeof STATUSES)[number];
const isoOf = (local: string | null) => (local ? new Date(local).toISOString() : undefined);

/** Every run of every long job, with filters; a run opens with its items and CSV exports. */
export function Runs() {
  const [params, filter] = useFilterParams();
  const [shown, setShown] = useState<string | null>(null);
  const integration = params.get('integration') ?? undefined;
  const type = (params.get('type') ?? undefined) as RunType | undefined;
  const status = (params.get('status') ?? undefined) as RunStatus | undefined;
  const from = params.get('from');
  const to = params.get('to');
  const integrations = useQuery({ queryKey: ['integrations'], queryFn: () => ok(api.GET('/api/v1/integrations')) });
  const runs = useQuery({
    queryKey: ['runs', integration, type, status, from, to],
    queryFn: () => ok(api.GET('/api/v1/sync-runs', { params: { query: { integration, type, status, from: isoOf(from), to: isoOf(to), limit: 100 } } })),
    refetchInterval: 3_000,
  });
  const nameOf = new Map((integrations.data?.integrations ?? []).map((i) => [i.id, i.name]));
  return (
    <main>
      <h1>Runs</h1>
      <form className="filters" aria-label="Filter runs" onSubmit={(e) => e.preventDefault()}>
        <div>
          <label htmlFor="run-integration">Integration</label>
          <select id="run-integration" value={integration ?? ''} onChange={(e) => filter('integration', e.target.value)}>
            <option value="">any</option>
            {integrations.data?.integrations.map((i) => <option key={i.id} value={i.id}>{i.name}</option>)}
          </select>
        </div>
        <div>
          <label htmlFor="run-type">Type</label>
          <select id="run-type" value={type ?? ''} onChange={(e) => filter('type', e.target.value)}>
            <option value="">any</option>
            {TYPES.map((t) => <option key={t} value={t}>{t}</option>)}
          </select>
        </div>
        <div>
          <label htmlFor="run-status">Status</label>
          <select id="run-status" value={status ?? ''} onChange={(e) => filter('status', e.target.value)}>
            <option value="">any</option>
            {STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </div>
        <div><label htmlFor="run-from">Started from</label><input id="run-from" type="datetime-local" value={from ?? ''} onChange={(e) => filter('from', e.target.value)} /></div>
        <div><label htmlFor="run-to">Started before</label><input id="run-to" type="datetime-local" value={to ?? ''} onChange={(e) => filter('to', e.target.value)} /></div>
      </form>
      <Problem error={runs.error} />
      {runs.data && <RunsTable runs={runs.data.items} caption={`${runs.data.total} runs`} integrationName={(id) => nameOf.get(id) ?? id} onShow={setShown} />}
      {shown && <RunView runId={shown} />}
    </main>
  );
}
