import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api, ok, type Answer, type Body } from '../api/client';
import { useSession } from '../api/session';
import { Problem } from '../components/Problem';

type Row = Body<'/api/v1/integrations/{id}/mappings', 'put'>['mappings'][number];
type Saved = Answer<'/api/v1/integrations/{id}/mappings', 'put'>;
const DIRECTIONS = ['bidirectional', 'outbound', 'inbound'] as const;
const OWNERS = [{ value: 'platform', label: 'hub' }, { value: 'external', label: 'platform' }] as const;

/** The incident field mappings, edited as rows and saved at once; saving says how many linked records now differ. */
export function MappingsEditor({ integrationId }: { integrationId: string }) {
  const { canEdit } = useSession();
  const queries = useQueryClient();
  const current = useQuery({ queryKey: ['mappings', integrationId], queryFn: () => ok(api.GET('/api/v1/integrations/{id}/mappings', { params: { path: { id: integrationId } } })) });
  const [rows, setRows] = useState<Row[]>([]);
  const [saved, setSaved] = useState<Saved | null>(null);
  useEffect(() => {
    if (current.data) setRows(current.data.mappings.map((m) => ({ ...m })));
  }, [current.data]);
  const save = useMutation({
    mutationFn: (mappings: Row[]) => ok(api.PUT('/api/v1/integrations/{id}/mappings', { params: { path: { id: integrationId } }, body: { mappings } })),
    onSuccess: async (answer) => {
      setSaved(answer);
      await queries.invalidateQueries({ queryKey: ['mappings', integrationId] });
    },
  });
  const change = (n: number, patch: Partial<Row>) => setRows(rows.map((r, i) => (i === n ? { ...r, ...patch } : r)));
  return (
    <section aria-labelledby="mappings-heading">
      <h2 id="mappings-heading">Field mappings</h2>
      <Problem error={current.error} />
      {current.data && <p className="hint">{current.data.source === 'default' ? "The adapter's defaults." : 'Changed from the adapter\'s defaults.'} Value maps and defaults are kept as they are.</p>}
      <table>
        <thead><tr><th scope="col">Hub field</th><th scope="col">Platform field</th><th scope="col">Direction</th>{canEdit && <th scope="col">Remove</th>}</tr></thead>
        <tbody>
          {rows.map((r, n) => (
            <tr key={n}>
              <td><input aria-label={`Hub field of mapping ${n + 1}`} value={r.field} readOnly={!canEdit} onChange={(e) => change(n, { field: e.target.value })} /></td>
              <td><input aria-label={`Platform field of mapping ${n + 1}`} value={r.external_field} readOnly={!canEdit} onChange={(e) => change(n, { external_field: e.target.value })} /></td>
              <td>
                <select aria-label={`Direction of mapping ${n + 1}`} value={r.direction} disabled={!canEdit} onChange={(e) => change(n, { direction: e.target.value as Row['direction'] })}>
                  {DIRECTIONS.map((d) => <option key={d} value={d}>{d}</option>)}
                </select>
              </td>
              {canEdit && <td><button type="button" className="secondary" aria-label={`Remove mapping ${n + 1} (${r.field})`} onClick={() => setRows(rows.filter((_, i) => i !== n))}>Remove</button></td>}
            </tr>
          ))}
        </tbody>
      </table>
      {canEdit && (
        <div className="actions">
          <button type="button" className="secondary" onClick={() => setRows([...rows, { field: '', external_field: '', direction: 'bidirectional' }])}>Add mapping</button>
          <button type="button" disabled={save.isPending} onClick={() => save.mutate(rows)}>Save mappings</button>
          <button type="button" className="secondary" disabled={save.isPending} onClick={() => save.mutate([])}>Restore defaults</button>
        </div>
      )}
      <Problem error={save.error} />
      {saved && (
        <p role="status" className="notice">
          Saved. {saved.linked_records_differing ?? 0} linked records differ under the new mappings
          {(saved.linked_records_differing ?? 0) > 0 && <>: <Link to={`/integrations/${integrationId}/reconciliation`}>reconcile</Link> to bring them over</>}.
        </p>
      )}
    </section>
  );
}

/** Which side owns a field on this integration, with the priority that ranks it against other integrations. */
export function OwnershipEditor({ integrationId }: { integrationId: string }) {
  const { canEdit } = useSession();
  const queries = useQueryClient();
  const rules = useQuery({ queryKey: ['ownership', integrationId], queryFn: () => ok(api.GET('/api/v1/integrations/{id}/ownership', { params: { path: { id: integrationId } } })) });
  const [field, setField] = useState('');
  const [owner, setOwner] = useState<'platform' | 'external'>('platform');
  const [priority, setPriority] = useState(0);
  const refresh = () => queries.invalidateQueries({ queryKey: ['ownership', integrationId] });
  const set = useMutation({
    mutationFn: (rule: { field: string; owner: 'platform' | 'external'; priority: number }) =>
      ok(api.PATCH('/api/v1/integrations/{id}/ownership/{field}', { params: { path: { id: integrationId, field: rule.field } }, body: { owner: rule.owner, priority: rule.priority } })),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: (name: string) => ok(api.DELETE('/api/v1/integrations/{id}/ownership/{field}', { params: { path: { id: integrationId, field: name } } })),
    onSuccess: refresh,
  });
  const ownerText = (o: string) => OWNERS.find((x) => x.value === o)?.label ?? o;
  return (
    <section aria-labelledby="ownership-heading">
      <h2 id="ownership-heading">Field ownership</h2>
      <Problem error={rules.error} />
      {rules.data && rules.data.rules.length === 0 && <p>No rule: both sides may change every field.</p>}
      {rules.data && rules.data.rules.length > 0 && (
        <table>
          <thead><tr><th scope="col">Field</th><th scope="col">Owner</th><th scope="col">Priority</th>{canEdit && <th scope="col">Remove</th>}</tr></thead>
          <tbody>
            {rules.data.rules.map((r) => (
              <tr key={r.field}>
                <td>{r.field}</td><td>{ownerText(r.owner)}</td><td>{r.priority}</td>
                {canEdit && <td><button type="button" className="secondary" aria-label={`Remove the rule of ${r.field}`} onClick={() => remove.mutate(r.field)}>Remove</button></td>}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canEdit && (
        <form className="filters" aria-label="Set a field's owner" onSubmit={(e) => { e.preventDefault(); set.mutate({ field, owner, priority }); }}>
          <div><label htmlFor="owner-field">Field</label><input id="owner-field" required value={field} onChange={(e) => setField(e.target.value)} /></div>
          <div>
            <label htmlFor="owner-side">Owner</label>
            <select id="owner-side" value={owner} onChange={(e) => setOwner(e.target.value as 'platform' | 'external')}>
              {OWNERS.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
            </select>
          </div>
          <div><label htmlFor="owner-priority">Priority</label><input id="owner-priority" type="number" min={0} value={priority} onChange={(e) => setPriority(Number(e.target.value))} /></div>
          <button type="submit" disabled={set.isPending}>Set owner</button>
        </form>
      )}
      <Problem error={set.error ?? remove.error} />
    </section>
  );
}
