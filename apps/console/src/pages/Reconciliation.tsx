import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useParams } from 'react-router';
import { api, ApiProblem, ok } from '../api/client';
import { useSession } from '../api/session';
import { Problem } from '../components/Problem';
import { When } from '../components/When';
import { RunsTable, RunView } from './RunView';

/** An integration's reconciliation: a dry run and its plan, applying it, the history, the schedule. */
export function Reconciliation() {
  const { id = '' } = useParams();
  const { canEdit } = useSession();
  const queries = useQueryClient();
  const [shown, setShown] = useState<string | null>(null);
  const integration = useQuery({ queryKey: ['integration', id], queryFn: () => ok(api.GET('/api/v1/integrations/{id}', { params: { path: { id } } })) });
  const history = useQuery({
    queryKey: ['reconcile-history', id],
    queryFn: () => ok(api.GET('/api/v1/integrations/{id}/reconcile/history', { params: { path: { id }, query: { limit: 20 } } })),
    refetchInterval: 3_000,
  });
  const start = useMutation({
    mutationFn: (heal: boolean) => ok(api.POST('/api/v1/integrations/{id}/reconcile', { params: { path: { id } }, body: heal ? { auto_heal: true, trigger: 'manual' } : { dry_run: true, trigger: 'manual' } })),
    onSuccess: async (run) => {
      setShown(run.id);
      await queries.invalidateQueries({ queryKey: ['reconcile-history', id] });
    },
  });
  return (
    <main>
      <h1>Reconciliation{integration.data ? `: ${integration.data.name}` : ''}</h1>
      <p className="hint">A dry run compares every record on both sides and keeps what it found as a plan; applying the plan changes exactly what it lists (records changed since are skipped as stale).</p>
      <div className="actions">
        <button type="button" disabled={start.isPending} onClick={() => start.mutate(false)}>Run a dry run</button>
        {canEdit && <button type="button" className="secondary" disabled={start.isPending} onClick={() => start.mutate(true)}>Reconcile and heal now</button>}
      </div>
      <Problem error={start.error ?? integration.error} />
      {shown && <RunView runId={shown} />}
      <section aria-labelledby="history-heading">
        <h2 id="history-heading">History</h2>
        <Problem error={history.error} />
        {history.data && history.data.runs.length === 0 && <p>No run yet.</p>}
        {history.data && history.data.runs.length > 0 && <RunsTable runs={history.data.runs} caption={`The last ${history.data.runs.length} runs`} onShow={setShown} />}
      </section>
      <Schedule integrationId={id} />
    </main>
  );
}

function Schedule({ integrationId }: { integrationId: string }) {
  const { canEdit } = useSession();
  const queries = useQueryClient();
  const schedule = useQuery({
    queryKey: ['schedule', integrationId],
    // No schedule is an answer, not an error.
    queryFn: () => ok(api.GET('/api/v1/integrations/{id}/reconcile/schedule', { params: { path: { id: integrationId } } })).catch((err) => {
      if (err instanceof ApiProblem && err.status === 404) return null;
      throw err;
    }),
  });
  const [cron, setCron] = useState('0 3 * * *');
  const [timezone, setTimezone] = useState('UTC');
  const [mode, setMode] = useState<'dry_run' | 'auto_heal'>('dry_run');
  const refresh = () => queries.invalidateQueries({ queryKey: ['schedule', integrationId] });
  const save = useMutation({
    mutationFn: () => ok(api.POST('/api/v1/integrations/{id}/reconcile/schedule', { params: { path: { id: integrationId } }, body: { cron, timezone, [mode]: true } })),
    onSuccess: refresh,
  });
  const remove = useMutation({ mutationFn: () => ok(api.DELETE('/api/v1/integrations/{id}/reconcile/schedule', { params: { path: { id: integrationId } } })), onSuccess: refresh });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  const s = schedule.data;
  return (
    <section aria-labelledby="schedule-heading">
      <h2 id="schedule-heading">Schedule</h2>
      <Problem error={schedule.error} />
      {s === null && <p>Not scheduled.</p>}
      {s && (
        <p>
          <code>{s.cron}</code> ({s.timezone}), {s.auto_heal ? 'heals' : s.dry_run ? 'plans only' : 'reports'}; next run <When at={s.next_run_at} />.{' '}
          {canEdit && <button type="button" className="secondary" disabled={remove.isPending} onClick={() => remove.mutate()}>Remove schedule</button>}
        </p>
      )}
      {canEdit && (
        <form className="filters" aria-label="Set the schedule" onSubmit={submit}>
          <div><label htmlFor="schedule-cron">Cron (minute hour day month weekday)</label><input id="schedule-cron" required value={cron} onChange={(e) => setCron(e.target.value)} /></div>
          <div><label htmlFor="schedule-tz">Time zone</label><input id="schedule-tz" required value={timezone} onChange={(e) => setTimezone(e.target.value)} /></div>
          <div>
            <label htmlFor="schedule-mode">Each run</label>
            <select id="schedule-mode" value={mode} onChange={(e) => setMode(e.target.value as 'dry_run' | 'auto_heal')}>
              <option value="dry_run">plans only (dry run)</option>
              <option value="auto_heal">heals what it finds</option>
            </select>
          </div>
          <button type="submit" disabled={save.isPending}>Save schedule</button>
        </form>
      )}
      <Problem error={save.error ?? remove.error} />
    </section>
  );
}
