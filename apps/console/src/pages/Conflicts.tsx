import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { api, ok, type Answer } from '../api/client';
import { useSession } from '../api/session';
import { Problem } from '../components/Problem';
import { When } from '../components/When';

type Conflict = Answer<'/api/v1/conflicts', 'get'>['items'][number];
type Choice = 'platform' | 'external' | 'ignore';

/** Seed 000 calls the hub "platform": the buttons say what the user means. */
const CHOICES: Array<{ use: Choice; label: string }> = [
  { use: 'platform', label: 'Use hub' },
  { use: 'external', label: 'Use platform' },
  { use: 'ignore', label: 'Ignore' },
];

export function Conflicts() {
  const [params, setParams] = useSearchParams();
  const status = (params.get('status') ?? 'pending') as Conflict['status'];
  const list = useQuery({
    queryKey: ['conflicts', status],
    queryFn: () => ok(api.GET('/api/v1/conflicts', { params: { query: { status, limit: 200 } } })),
    refetchInterval: 5_000,
  });
  const integrations = useQuery({ queryKey: ['integrations'], queryFn: () => ok(api.GET('/api/v1/integrations')) });
  const nameOf = new Map((integrations.data?.integrations ?? []).map((i) => [i.id, i.name]));
  const byRecord = new Map<string, Conflict[]>();
  for (const c of list.data?.items ?? []) byRecord.set(`${c.record_kind}/${c.record_id}/${c.integration_id}`, [...(byRecord.get(`${c.record_kind}/${c.record_id}/${c.integration_id}`) ?? []), c]);
  return (
    <main>
      <h1>Conflicts</h1>
      <label htmlFor="conflict-status">Show</label>
      <select id="conflict-status" value={status} onChange={(e) => setParams({ status: e.target.value })}>
        <option value="pending">pending</option>
        <option value="resolved">resolved</option>
        <option value="ignored">ignored</option>
      </select>
      <Problem error={list.error} />
      {list.data && list.data.total === 0 && <p>No {status} conflict.</p>}
      {[...byRecord.entries()].map(([key, conflicts]) => (
        <RecordConflicts key={key} conflicts={conflicts} integrationName={nameOf.get(conflicts[0].integration_id) ?? conflicts[0].integration_id} />
      ))}
    </main>
  );
}

function RecordConflicts({ conflicts, integrationName }: { conflicts: Conflict[]; integrationName: string }) {
  const first = conflicts[0];
  const heading = `${first.record_kind} ${first.record_id.slice(0, 8)} on ${integrationName}`;
  return (
    <section className="conflict" aria-label={heading}>
      <h2>
        {first.record_kind === 'incident' ? <Link to={`/incidents/${first.record_id}`}>{heading}</Link> : heading}
      </h2>
      <table>
        <thead>
          <tr><th scope="col">Field</th><th scope="col">Base (last agreed)</th><th scope="col">Hub</th><th scope="col">Platform</th><th scope="col">Detected</th><th scope="col">Decision</th></tr>
        </thead>
        <tbody>
          {conflicts.map((c) => <ConflictRow key={c.id} conflict={c} />)}
        </tbody>
      </table>
    </section>
  );
}

function ConflictRow({ conflict }: { conflict: Conflict }) {
  const { canEdit } = useSession();
  const queries = useQueryClient();
  const decide = useMutation({
    mutationFn: (use: Choice) => use === 'ignore'
      ? ok(api.POST('/api/v1/conflicts/{id}/ignore', { params: { path: { id: conflict.id } } }))
      : ok(api.POST('/api/v1/conflicts/{id}/resolve', { params: { path: { id: conflict.id } }, body: { use } })),
    onSuccess: () => queries.invalidateQueries({ queryKey: ['conflicts'] }),
  });
  const value = (v: string | null) => (v === null ? <span className="muted">empty</span> : v);
  return (
    <tr>
      <th scope="row">{conflict.field_name}{conflict.external_field !== conflict.field_name && <span className="muted"> ({conflict.external_field})</span>}</th>
      <td>{value(conflict.base_value)}</td>
      <td className="side">{value(conflict.platform_value)}</td>
      <td className="side">{value(conflict.external_value)}</td>
      <td><When at={conflict.detected_at} /></td>
      <td>
        {conflict.status === 'pending' && canEdit ? (
          <div className="actions" role="group" aria-label={`Decide ${conflict.field_name}`}>
            {CHOICES.map((c) => (
              <button key={c.use} type="button" disabled={decide.isPending} onClick={() => decide.mutate(c.use)}>{c.label}</button>
            ))}
          </div>
        ) : (
          <span>{conflict.resolution ?? conflict.status}</span>
        )}
        <Problem error={decide.error} />
      </td>
    </tr>
  );
}
