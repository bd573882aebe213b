import { useQuery } from '@tanstack/react-query';
import { useParams } from 'react-router';
import { api, ok } from '../api/client';
import { Problem } from '../components/Problem';
import { When } from '../components/When';

const FIELDS = ['status', 'priority', 'description', 'assignee', 'assignment_group', 'category', 'subcategory', 'service', 'caller', 'impact', 'urgency', 'resolution_note'] as const;

export function IncidentDetail() {
  const { id = '' } = useParams();
  const incident = useQuery({ queryKey: ['incident', id], queryFn: () => ok(api.GET('/api/v1/incidents/{id}', { params: { path: { id } } })), refetchInterval: 3_000 });
  const links = useQuery({ queryKey: ['incident-links', id], queryFn: () => ok(api.GET('/api/v1/incidents/{id}/links', { params: { path: { id } } })), refetchInterval: 3_000 });
  const integrations = useQuery({ queryKey: ['integrations'], queryFn: () => ok(api.GET('/api/v1/integrations')) });
  const nameOf = new Map((integrations.data?.integrations ?? []).map((i) => [i.id, i.name]));
  const i = incident.data;
  return (
    <main>
      <Problem error={incident.error} />
      {i && (
        <>
          <h1>{i.title}</h1>
          <section aria-labelledby="fields">
            <h2 id="fields">Fields</h2>
            <table>
              <thead><tr><th scope="col">Field</th><th scope="col">Value</th><th scope="col">Last changed</th><th scope="col">By</th></tr></thead>
              <tbody>
                {FIELDS.map((f) => (
                  <tr key={f}>
                    <th scope="row">{f}</th>
                    <td>{i[f] === null || i[f] === undefined ? '' : String(i[f])}</td>
                    <td><When at={i.field_changes[f]?.at} /></td>
                    <td>{i.field_changes[f] ? (nameOf.get(i.field_changes[f].origin) ?? i.field_changes[f].origin) : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <section aria-labelledby="links">
            <h2 id="links">On the platforms</h2>
            <Problem error={links.error} />
            {links.data && links.data.links.length === 0 && <p>Not on any platform yet.</p>}
            <ul className="links" aria-label="Platform records">
              {links.data?.links.map((l) => (
                <li key={l.id}>
                  <strong>{nameOf.get(l.integration_id) ?? l.integration_id}</strong>{' '}
                  {l.external_url ? <a href={l.external_url} rel="noreferrer noopener" target="_blank">{l.external_number ?? l.external_id}</a> : <span>{l.external_number ?? l.external_id ?? 'not created yet'}</span>}{' '}
                  <span className={`state state-${l.sync_status}`}>{l.sync_status}</span>
                  {l.last_error && <p className="error-text">{l.last_error}</p>}
                </li>
              ))}
            </ul>
          </section>
          <section aria-labelledby="comments">
            <h2 id="comments">Comments</h2>
            {i.comments.length === 0 && <p>No comments.</p>}
            <ol className="comments">
              {i.comments.map((c) => (
                <li key={c.id}><p>{c.body}</p><p className="meta">{c.author ?? c.origin} · <When at={c.created_at} /> · {c.visibility}</p></li>
              ))}
            </ol>
          </section>
        </>
      )}
    </main>
  );
}
