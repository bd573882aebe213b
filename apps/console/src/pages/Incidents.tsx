import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, ok, type Body } from '../api/client';
import { Problem } from '../components/Problem';
import { useFilterParams } from '../components/useFilterParams';
import { When } from '../components/When';

const STATUSES = ['new', 'acknowledged', 'in_progress', 'on_hold', 'resolved', 'closed', 'canceled'] as const;
const PRIORITIES = ['P1', 'P2', 'P3', 'P4', 'P5'] as const;
type Status = (typeof STATUSES)[number];
type Priority = (typeof PRIORITIES)[number];

export function Incidents() {
  const [params, filter] = useFilterParams();
  const status = (params.get('status') ?? undefined) as Status | undefined;
  const priority = (params.get('priority') ?? undefined) as Priority | undefined;
  const q = params.get('q') ?? undefined;
  const list = useQuery({
    queryKey: ['incidents', status, priority, q],
    queryFn: () => ok(api.GET('/api/v1/incidents', { params: { query: { status, priority, q, limit: 100 } } })),
    refetchInterval: 5_000,
  });
  return (
    <main>
      <h1>Incidents</h1>
      <NewIncident />
      <form className="filters" aria-label="Filter incidents" onSubmit={(e) => e.preventDefault()}>
        <label htmlFor="filter-status">Status</label>
        <select id="filter-status" value={status ?? ''} onChange={(e) => filter('status', e.target.value)}>
          <option value="">any</option>
          {STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
        </select>
        <label htmlFor="filter-priority">Priority</label>
        <select id="filter-priority" value={priority ?? ''} onChange={(e) => filter('priority', e.target.value)}>
          <option value="">any</option>
          {PRIORITIES.map((p) => <option key={p} value={p}>{p}</option>)}
        </select>
        <label htmlFor="filter-q">Title contains</label>
        <input id="filter-q" type="search" defaultValue={q ?? ''} onChange={(e) => filter('q', e.target.value)} />
      </form>
      <Problem error={list.error} />
      {list.data && (
        <table>
          <caption>{list.data.total} incidents</caption>
          <thead>
            <tr><th scope="col">Title</th><th scope="col">Status</th><th scope="col">Priority</th><th scope="col">Updated</th></tr>
          </thead>
          <tbody>
            {list.data.items.map((i) => (
              <tr key={i.id}>
                <td><Link to={`/incidents/${i.id}`}>{i.title}</Link></td>
                <td>{i.status}</td>
                <td>{i.priority ?? ''}</td>
                <td><When at={i.updated_at} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}

function NewIncident() {
  const navigate = useNavigate();
  const queries = useQueryClient();
  const [title, setTitle] = useState('');
  const [priority, setPriority] = useState<Priority>('P3');
  const [description, setDescription] = useState('');
  const create = useMutation({
    mutationFn: (body: Body<'/api/v1/incidents', 'post'>) => ok(api.POST('/api/v1/incidents', { body })),
    onSuccess: async (created) => {
      await queries.invalidateQueries({ queryKey: ['incidents'] });
      navigate(`/incidents/${created.id}`);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ title, priority, ...(description ? { description } : {}) });
  };
  return (
    <details className="new-incident">
      <summary>New incident</summary>
      <form onSubmit={submit} aria-label="New incident">
        <label htmlFor="incident-title">Title</label>
        <input id="incident-title" required value={title} onChange={(e) => setTitle(e.target.value)} />
        <label htmlFor="incident-priority">Priority</label>
        <select id="incident-priority" value={priority} onChange={(e) => setPriority(e.target.value as Priority)}>
          {PRIORITIES.map((p) => <option key={p} value={p}>{p}</option>)}
        </select>
        <label htmlFor="incident-description">Description</label>
        <textarea id="incident-description" value={description} onChange={(e) => setDescription(e.target.value)} />
        <button type="submit" disabled={create.isPending}>Create incident</button>
        <Problem error={create.error} />
      </form>
    </details>
  );
}
