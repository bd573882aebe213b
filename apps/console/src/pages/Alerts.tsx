import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { api, ok, type Answer } from '../api/client';
import { useSession } from '../api/session';
import { Problem } from '../components/Problem';
import { When } from '../components/When';

type Alert = Answer<'/api/v1/alerts', 'get'>['items'][number];
type Action = 'acknowledge' | 'resolve' | 'approve' | 'dismiss';

const STATUSES = ['firing', 'acknowledged', 'resolved', 'unmapped', 'suppressed', 'pending_approval', 'dismissed'] as const;
/** Which actions the hub takes for an alert in each status. */
const ACTIONS: Partial<Record<Alert['status'], Action[]>> = {
  firing: ['acknowledge', 'resolve'],
  acknowledged: ['resolve'],
  pending_approval: ['approve', 'dismiss'],
  unmapped: ['dismiss'],
  suppressed: ['dismiss'],
};
const ACTION_TEXT: Record<Action, string> = { acknowledge: 'Acknowledge', resolve: 'Resolve', approve: 'Approve', dismiss: 'Dismiss' };

export function Alerts() {
  const [params, setParams] = useSearchParams();
  const status = (params.get('status') ?? undefined) as Alert['status'] | undefined;
  const list = useQuery({
    queryKey: ['alerts', status],
    queryFn: () => ok(api.GET('/api/v1/alerts', { params: { query: { status, limit: 100 } } })),
    refetchInterval: 3_000,
  });
  return (
    <main>
      <div className="heading">
        <h1>Alerts</h1>
        <Link className="button" to="/alert-mappings">Alert mappings</Link>
      </div>
      <label htmlFor="alert-status">Status</label>
      <select id="alert-status" value={status ?? ''} onChange={(e) => setParams(e.target.value ? { status: e.target.value } : {})}>
        <option value="">any</option>
        {STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
      </select>
      <Problem error={list.error} />
      {list.data && <AlertTable alerts={list.data.items} caption={`${list.data.total} alerts`} />}
    </main>
  );
}

export function AlertTable({ alerts, caption }: { alerts: Alert[]; caption: string }) {
  return (
    <table>
      <caption>{caption}</caption>
      <thead>
        <tr><th scope="col">Alert</th><th scope="col">Status</th><th scope="col">Mapping</th><th scope="col">Incident and tickets</th><th scope="col">Count</th><th scope="col">First and last seen</th><th scope="col">Action</th></tr>
      </thead>
      <tbody>
        {alerts.map((a) => <AlertRow key={a.id} alert={a} />)}
      </tbody>
    </table>
  );
}

function AlertRow({ alert }: { alert: Alert }) {
  const { canEdit } = useSession();
  const queries = useQueryClient();
  const act = useMutation({
    mutationFn: (action: Action) => ok(api.POST(`/api/v1/alerts/{id}/${action}`, { params: { path: { id: alert.id } } })),
    onSuccess: () => queries.invalidateQueries({ queryKey: ['alerts'] }),
  });
  const actions = canEdit ? (ACTIONS[alert.status] ?? []) : [];
  return (
    <tr>
      <td>
        <strong>{alert.summary}</strong>
        <p className="meta">{alert.source}{alert.alert_type ? ` · ${alert.alert_type}` : ''}{alert.severity ? ` · ${alert.severity}` : ''}</p>
        {alert.error && <p className="error-text">{alert.error}</p>}
      </td>
      <td>{alert.status}</td>
      <td>{alert.mapping_name ?? ''}</td>
      <td>
        {alert.incident && <Link to={`/incidents/${alert.incident.id}`}>{alert.incident.title}</Link>}
        <ul className="tickets" aria-label={`Tickets of ${alert.summary}`}>
          {alert.tickets.map((t) => (
            <li key={t.integration_id}>
              {t.integration_name}: {t.url ? <a href={t.url} rel="noreferrer noopener" target="_blank">{t.number ?? t.external_id}</a> : (t.number ?? 'pending')} <span className={`state state-${t.sync_status}`}>{t.sync_status}</span>
            </li>
          ))}
        </ul>
      </td>
      <td>{alert.count}</td>
      <td><When at={alert.first_seen} /><br /><When at={alert.last_seen} /></td>
      <td>
        {actions.length > 0 && (
          <div className="actions" role="group" aria-label={`Act on ${alert.summary}`}>
            {actions.map((a) => <button key={a} type="button" disabled={act.isPending} onClick={() => act.mutate(a)}>{ACTION_TEXT[a]}</button>)}
          </div>
        )}
        <Problem error={act.error} />
      </td>
    </tr>
  );
}
