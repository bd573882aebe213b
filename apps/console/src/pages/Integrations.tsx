import { useQueries, useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, ok, type Answer } from '../api/client';
import { useSession } from '../api/session';
import { Problem } from '../components/Problem';
import { When } from '../components/When';

type Integration = Answer<'/api/v1/integrations', 'get'>['integrations'][number];
type SyncStatus = Answer<'/api/v1/integrations/{id}/sync-status', 'get'>;

/** Health refreshes on its own while the page is open. */
const LIVE_MS = 3_000;

export function Integrations() {
  const { canEdit } = useSession();
  const list = useQuery({ queryKey: ['integrations'], queryFn: () => ok(api.GET('/api/v1/integrations')), refetchInterval: LIVE_MS });
  const integrations = list.data?.integrations ?? [];
  const statuses = useQueries({
    queries: integrations.map((i) => ({
      queryKey: ['sync-status', i.id],
      queryFn: () => ok(api.GET('/api/v1/integrations/{id}/sync-status', { params: { path: { id: i.id } } })),
      refetchInterval: LIVE_MS,
    })),
  });
  return (
    <main>
      <div className="heading">
        <h1>Integrations</h1>
        {canEdit && <Link className="button" to="/integrations/new">New integration</Link>}
      </div>
      <Problem error={list.error} />
      {list.isSuccess && integrations.length === 0 && <p>No integration yet{canEdit ? ': create one to start syncing.' : '.'}</p>}
      <ul className="tiles" aria-label="Integrations">
        {integrations.map((integration, n) => (
          <IntegrationTile key={integration.id} integration={integration} status={statuses[n]?.data} />
        ))}
      </ul>
    </main>
  );
}

function IntegrationTile({ integration, status }: { integration: Integration; status: SyncStatus | undefined }) {
  const health = status?.health ?? 'unknown';
  return (
    <li className="tile" aria-labelledby={`tile-${integration.id}`}>
      <h2 id={`tile-${integration.id}`}>
        <Link to={`/integrations/${integration.id}`}>{integration.name}</Link>
      </h2>
      <p className="meta">
        {integration.type} · {integration.direction} · {integration.enabled ? 'enabled' : 'disabled'}
      </p>
      <p className={`health health-${health}`}>{HEALTH_TEXT[health]}</p>
      {status && (
        <dl className="counts">
          <dt>Synced</dt><dd>{status.links.synced}</dd>
          <dt>Errors</dt><dd>{status.links.error + status.inbound_errors}</dd>
          <dt>Conflicts</dt><dd>{status.pending_conflicts}</dd>
          <dt>Dead letters</dt><dd>{status.dead_letters}</dd>
          <dt>Queue</dt><dd>{status.outbox_depth + status.inbox_depth}</dd>
          <dt>Last success</dt><dd><When at={status.last_success_at} /></dd>
          {status.last_error && (<><dt>Last error</dt><dd className="error-text">{status.last_error}</dd></>)}
          {status.rate_limited && (<><dt>Rate limited until</dt><dd><When at={status.rate_limited.until} /></dd></>)}
        </dl>
      )}
    </li>
  );
}

const HEALTH_TEXT: Record<SyncStatus['health'] | 'unknown', string> = { healthy: 'Healthy', attention: 'Needs attention', failing: 'Failing', unknown: 'Checking…' };
