import { randomUUID } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import type { DataSource, EntityManager } from 'typeorm';
import type { Clock } from '../contracts/Clock';
import { TOKENS } from '../di/tokens';
import { ConflictError, NotFoundError } from '../errors/HubError';
import { HUB_ORIGIN, RecordService } from '../records/RecordService';
import type { HubRecord } from '../records/HubRecord';
import type { RecordChangeListener } from '../records/RecordChangeHooks';
import { sql, type Db } from '../persistence/sql';
import { SyncMetrics } from '../sync/SyncMetrics';
import { inSpan } from '../sync/tracing';
import { SyncSignals } from '../sync/Wakeup';
import { AlertMappingService, matchMapping, type AlertMapping } from './AlertMappingService';
import { ownAlertSchema, type AlertStatus, type ListAlertsQuery } from './alertSchemas';
import {
  activeAlertsOf, attachIncidents, followIncident, listAlerts, markCommented, markError, moveAlert, moveAlertsByKey, OPEN_ALERT_STATUSES,
  reopenResolved, selectAlert, ticketsOf, upsertFirings, type Alert, type Attachment, type TicketReference,
} from './AlertStore';
import { incidentFromAlert, stormDescription, stormIncident, type IncidentDraft } from './incidentFromAlert';
import { coveringWindow, MaintenanceWindowService } from './MaintenanceWindowService';
import { dedupKeyOf, fromOwnJson, type AlertAction, type IncomingAlert } from './normalizeAlerts';

export const SPAN_PROCESS_ALERT = 'ProcessAlert';
/** A repeated firing adds a comment to its incident at most this often. */
export const REFIRE_COMMENT_MS = 3_600_000;
const CLOSED_INCIDENT = new Set(['resolved', 'closed', 'canceled']);
const PICKED_UP = new Set(['acknowledged', 'in_progress', 'on_hold']);
const STORM_LIST = 50;
/** The type of a mapping's test alert when the mapping takes any type. */
const TEST_ALERT_TYPE = 'ITSMHubTest';

/** What an intake answers per alert (grouped alerts of one key answer once). */
export interface IntakeOutcome {
  id: string | null;
  dedup_key: string;
  status: AlertStatus | 'not_open';
  incident_id: string | null;
  deduplicated: boolean;
}

export interface AlertView extends Alert {
  mapping_name: string | null;
  incident: { id: string; title: string; status: string } | null;
  tickets: TicketReference[];
}

/** One key's alerts of a payload: Alertmanager may send a group's alerts firing and resolved together. */
interface KeyedAlert {
  key: string;
  alert: IncomingAlert;
  action: AlertAction;
  mapping: AlertMapping | undefined;
}

interface Opening {
  alert: Alert;
  incoming: IncomingAlert;
  deduplicated: boolean;
}

interface StormTouch {
  stormId: string;
  mapping: AlertMapping;
}

/**
 * Alerts to incidents. An intake is one transaction over its alerts in key order (so two processes
 * given one group never deadlock and count on one row): maintenance windows suppress, mappings
 * decide, an open key deduplicates, a recent resolve reopens, storms group, and an incident opened
 * from an alert syncs only to its mapping's integrations.
 */
@injectable()
export class AlertService implements RecordChangeListener {
  constructor(
    @inject(TOKENS.DataSource) private readonly db: DataSource,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(SyncSignals) private readonly signals: SyncSignals,
    @inject(SyncMetrics) private readonly metrics: SyncMetrics,
    private readonly records: RecordService,
    private readonly mappings: AlertMappingService,
    private readonly windows: MaintenanceWindowService,
  ) {}

  async intake(organizationId: string, incoming: IncomingAlert[]): Promise<IntakeOutcome[]> {
    if (incoming.length === 0) return [];
    const now = this.clock.now();
    for (const alert of incoming) this.metrics.alertsReceived.inc({ source: alert.source });
    const sources = [...new Set(incoming.map((a) => a.source))].join(',');
    const outcomes = await inSpan(SPAN_PROCESS_ALERT, { 'sync.record_kind': 'alert', 'sync.alert_source': sources, 'sync.alert_count': incoming.length }, (span) =>
      this.db.transaction(async (tx) => {
        const [mappings, windows] = await Promise.all([this.mappings.list(organizationId, tx), this.windows.active(tx, organizationId, now)]);
        const keyed = byKey(incoming, mappings);
        // Storm counters are per mapping: lock those first, in id order, so intakes never wait on each other in a circle.
        const stormy = [...new Set(keyed.filter((k) => k.mapping?.storm && k.action === 'trigger').map((k) => (k.mapping as AlertMapping).id))].sort();
        if (stormy.length > 0) await sql(tx, `SELECT id FROM alert_mappings WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE`, [stormy]);
        const storms = new Map<string, StormTouch>();
        const byOutcome = new Map<string, IntakeOutcome>();
        const add = (outcomes: IntakeOutcome[]) => outcomes.forEach((o) => byOutcome.set(o.dedup_key, o));
        add(await this.resolveKeys(tx, organizationId, keyed.filter((k) => k.action === 'resolve'), now));
        add(await this.acknowledgeKeys(tx, organizationId, keyed.filter((k) => k.action === 'acknowledge'), now));
        add(await this.fire(tx, organizationId, keyed.filter((k) => k.action === 'trigger'), windows, storms, now));
        for (const touch of storms.values()) await this.describeStorm(tx, touch);
        const results = keyed.map((k) => byOutcome.get(k.key) as IntakeOutcome);
        span.setAttributes({
          'sync.alerts_deduplicated': results.filter((o) => o.deduplicated).length,
          'sync.incidents': new Set(results.map((o) => o.incident_id).filter(Boolean)).size,
          'sync.result': 'success',
        });
        return results;
      }),
    );
    this.signals.outbox.notify();
    return outcomes;
  }

  /** Resolve events: their alerts resolve, and each incident they belong to settles once per intake. */
  private async resolveKeys(tx: EntityManager, organizationId: string, keyed: KeyedAlert[], now: Date): Promise<IntakeOutcome[]> {
    const resolved = await moveAlertsByKey(tx, organizationId, keyed.map((k) => ({ dedupKey: k.key, endsAt: k.alert.endsAt })), OPEN_ALERT_STATUSES, 'resolved', now);
    const onResolved = new Map(keyed.map((k) => [k.key, k.mapping?.on_resolved ?? 'resolve'] as const));
    for (const [, alerts] of byIncident(resolved)) await this.settleIncident(tx, alerts, onResolved.get(alerts[0].dedup_key) ?? 'resolve', now);
    return this.outcomesOf(keyed, resolved, 'resolve');
  }

  private async acknowledgeKeys(tx: EntityManager, organizationId: string, keyed: KeyedAlert[], now: Date): Promise<IntakeOutcome[]> {
    const acked = await moveAlertsByKey(tx, organizationId, keyed.map((k) => ({ dedupKey: k.key, endsAt: null })), ['firing'], 'acknowledged', now);
    for (const [incidentId] of byIncident(acked)) await this.pickUp(tx, organizationId, incidentId);
    return this.outcomesOf(keyed, acked, 'acknowledge');
  }

  private outcomesOf(keyed: KeyedAlert[], moved: Alert[], action: 'resolve' | 'acknowledge'): IntakeOutcome[] {
    const byKeyMoved = new Map(moved.map((a) => [a.dedup_key, a]));
    return keyed.map((k) => {
      const alert = byKeyMoved.get(k.key);
      if (alert) return outcomeOf(alert, false);
      this.metrics.alertsUnmatched.inc({ action });
      return { id: null, dedup_key: k.key, status: 'not_open', incident_id: null, deduplicated: false };
    });
  }

  /**
   * Firings, a few statements for the whole intake: maintenance windows and mappings decide each
   * alert's status, recent resolves reopen, the rest land on their open key, and the mapped ones
   * without an incident open one (or join their mapping's storm).
   */
  private async fire(tx: EntityManager, organizationId: string, keyed: KeyedAlert[], windows: Awaited<ReturnType<MaintenanceWindowService['active']>>, storms: Map<string, StormTouch>, now: Date): Promise<IntakeOutcome[]> {
    const outcomes: IntakeOutcome[] = [];
    const planned = keyed.map((k) => ({ k, ...statusOf(k, windows) }));
    const reopenable = planned.filter((p) => p.status === 'firing' && p.k.mapping?.reopen_window_seconds);
    const reopened = await reopenResolved(tx, organizationId, reopenable.map((p) => ({ dedupKey: p.k.key, windowSeconds: p.k.mapping?.reopen_window_seconds as number })), now);
    for (const alert of reopened) {
      await this.reopenIncident(tx, organizationId, alert, now);
      this.metrics.alertsDeduplicated.inc({ outcome: 'reopened' });
      outcomes.push(outcomeOf(alert, true));
    }
    const reopenedKeys = new Set(reopened.map((a) => a.dedup_key));
    const rest = planned.filter((p) => !reopenedKeys.has(p.k.key));
    const fired = await upsertFirings(tx, organizationId, rest.map((p) => ({ alert: p.k.alert, dedupKey: p.k.key, status: p.status, mappingId: p.k.mapping?.id ?? null, error: p.error })), now);
    const toOpen = new Map<string, { mapping: AlertMapping; items: Opening[] }>();
    for (const { k } of rest) {
      const { alert, inserted } = fired.get(k.key) as { alert: Alert; inserted: boolean };
      if (inserted && alert.status === 'unmapped') this.metrics.alertsUnmapped.inc();
      if (inserted && alert.status === 'suppressed') this.metrics.alertsSuppressed.inc();
      if (!inserted) this.metrics.alertsDeduplicated.inc({ outcome: 'repeat' });
      const mapping = k.mapping;
      if (alert.status !== 'firing' || !mapping || alert.mapping_id !== mapping.id || (!alert.incident_id && alert.window_firings < (mapping.storm?.min_firings ?? 1))) {
        outcomes.push(outcomeOf(alert, !inserted));
      } else if (!alert.incident_id) {
        const group = toOpen.get(mapping.id) ?? { mapping, items: [] };
        group.items.push({ alert, incoming: k.alert, deduplicated: !inserted });
        toOpen.set(mapping.id, group);
      } else {
        if (!inserted) await this.noteRefire(tx, organizationId, alert, now);
        outcomes.push(outcomeOf(alert, !inserted));
      }
    }
    for (const { mapping, items } of toOpen.values()) {
      const opened = await this.openIncidents(tx, organizationId, mapping, items, storms, now);
      for (const item of items) outcomes.push(outcomeOf({ ...item.alert, incident_id: opened.get(item.alert.id) ?? null }, item.deduplicated));
    }
    return outcomes;
  }

  /**
   * New incidents for a mapping's alerts, in key order: each its own until the mapping's storm
   * passes its threshold, then one storm incident for all the later ones.
   */
  private async openIncidents(tx: EntityManager, organizationId: string, mapping: AlertMapping, items: Opening[], storms: Map<string, StormTouch>, now: Date): Promise<Map<string, string>> {
    const opened = new Map<string, string>();
    const drafted: Array<Opening & { draft: Extract<IncidentDraft, { ok: true }> }> = [];
    for (const item of items) {
      const draft = incidentFromAlert(mapping, item.incoming, item.alert.dedup_key);
      if (draft.ok) drafted.push({ ...item, draft });
      else {
        await markError(tx, item.alert.id, draft.error, now);
        this.metrics.alertsFailed.inc();
      }
    }
    if (drafted.length === 0) return opened;
    const attachments: Attachment[] = [];
    let own = drafted;
    const threshold = mapping.storm?.threshold;
    if (threshold !== undefined) {
      const storm = await this.countInStorm(tx, organizationId, mapping, drafted.length, threshold, now);
      own = drafted.slice(0, Math.max(0, threshold - storm.before));
      const joining = drafted.slice(own.length);
      if (joining.length > 0) {
        let incidentId = storm.incidentId;
        if (!incidentId) {
          const values = stormIncident(mapping);
          incidentId = (await this.records.createIn(tx, organizationId, 'incident', values, { origin: HUB_ORIGIN, targets: joining[0].draft.targets })).id;
          await sql(tx, `UPDATE alert_storms SET incident_id = $2 WHERE id = $1`, [storm.id, incidentId]);
        }
        for (const j of joining) attachments.push({ alertId: j.alert.id, incidentId, stormId: storm.id });
        storms.set(storm.id, { stormId: storm.id, mapping });
        this.metrics.alertsStormed.inc(joining.length);
      }
    }
    for (const o of own) {
      const incident = await this.records.createIn(tx, organizationId, 'incident', o.draft.values, { origin: HUB_ORIGIN, targets: o.draft.targets });
      attachments.push({ alertId: o.alert.id, incidentId: incident.id, stormId: null });
    }
    await attachIncidents(tx, attachments, now);
    for (const a of attachments) opened.set(a.alertId, a.incidentId);
    return opened;
  }

  /**
   * Counts `n` alerts into the mapping's current storm (alerts keep coming within its window), those
   * past the threshold as joined; a new storm when the last one ended. `before`: the storm's count
   * before these.
   */
  private async countInStorm(tx: EntityManager, organizationId: string, mapping: AlertMapping, n: number, threshold: number, now: Date): Promise<{ id: string; before: number; incidentId: string | null }> {
    const window = (mapping.storm as NonNullable<AlertMapping['storm']>).window;
    const [current] = await sql(tx,
      `UPDATE alert_storms SET alert_count = alert_count + $5, last_alert_at = $2, joined_count = joined_count + GREATEST(0, alert_count + $5 - GREATEST(alert_count, $4))
        WHERE id = (SELECT id FROM alert_storms WHERE mapping_id = $1 AND last_alert_at >= $2::timestamptz - make_interval(secs => $3::int) ORDER BY last_alert_at DESC LIMIT 1)
        RETURNING id, alert_count, incident_id`,
      [mapping.id, now.toISOString(), window, threshold, n],
    );
    if (current) return { id: String(current.id), before: Number(current.alert_count) - n, incidentId: (current.incident_id as string | null) ?? null };
    const id = randomUUID();
    await sql(tx, `INSERT INTO alert_storms (id, organization_id, mapping_id, started_at, last_alert_at, alert_count, joined_count) VALUES ($1, $2, $3, $4, $4, $5, $6)`,
      [id, organizationId, mapping.id, now.toISOString(), n, Math.max(0, n - threshold)]);
    return { id, before: 0, incidentId: null };
  }

  /** Once per intake per storm: its incident says how many alerts joined and lists the latest. */
  private async describeStorm(tx: EntityManager, touch: StormTouch): Promise<void> {
    const [storm] = await sql(tx, `SELECT incident_id, organization_id, started_at, joined_count FROM alert_storms WHERE id = $1`, [touch.stormId]);
    if (!storm?.incident_id) return;
    const latest = await sql(tx, `SELECT summary, labels FROM alerts WHERE storm_id = $1 ORDER BY first_seen DESC, id LIMIT ${STORM_LIST}`, [touch.stormId]);
    const incident = await this.records.lock(tx, String(storm.organization_id), 'incident', String(storm.incident_id));
    const startedAt = storm.started_at instanceof Date ? storm.started_at.toISOString() : String(storm.started_at);
    const description = stormDescription(touch.mapping, Number(storm.joined_count), startedAt, latest.map((r) => ({ summary: String(r.summary), labels: r.labels as Record<string, string> })));
    await this.records.applyIn(tx, incident, { description }, { origin: HUB_ORIGIN });
  }

  /** A firing again of an alert with an incident: one comment an hour at most. */
  private async noteRefire(tx: EntityManager, organizationId: string, alert: Alert, now: Date): Promise<void> {
    const last = Date.parse(alert.last_comment_at ?? alert.first_seen);
    if (now.getTime() - last < REFIRE_COMMENT_MS || !alert.incident_id) return;
    await this.records.addJournalEntryIn(tx, organizationId, 'incident', alert.incident_id, { body: `Alert "${alert.summary}" fired again, ${alert.count} times (first ${alert.first_seen}).`, visibility: 'public' }, HUB_ORIGIN, now);
    await markCommented(tx, alert.id, now);
  }

  /**
   * After alerts of one incident resolved: it resolves when none of its alerts is still firing (or
   * gets one comment for them, or nothing).
   */
  private async settleIncident(tx: EntityManager, alerts: Alert[], onResolved: AlertMapping['on_resolved'], now: Date): Promise<void> {
    const { incident_id: incidentId, organization_id: organizationId } = alerts[0];
    if (onResolved === 'none' || !incidentId) return;
    const left = await activeAlertsOf(tx, incidentId);
    const incident = await this.records.lock(tx, organizationId, 'incident', incidentId);
    if (onResolved === 'comment' || left > 0) {
      const what = alerts.length === 1 ? `Alert "${alerts[0].summary}" resolved` : `${alerts.length} of its alerts resolved (last: "${alerts[alerts.length - 1].summary}")`;
      const body = left > 0 ? `${what}; ${left} of its alerts still firing.` : `${what}.`;
      await this.records.addJournalEntryIn(tx, organizationId, 'incident', incidentId, { body, visibility: 'public' }, HUB_ORIGIN, now);
      return;
    }
    if (CLOSED_INCIDENT.has(String(incident.values.status))) return;
    const last = alerts[alerts.length - 1];
    await this.records.applyIn(tx, incident, { status: 'resolved', resolution_note: `Resolved by ITSM Hub: its alerts resolved (last: "${last.summary}" at ${now.toISOString()}).` }, { origin: HUB_ORIGIN });
  }

  private async reopenIncident(tx: EntityManager, organizationId: string, alert: Alert, now: Date): Promise<void> {
    const incident = await this.records.lock(tx, organizationId, 'incident', alert.incident_id as string);
    if (CLOSED_INCIDENT.has(String(incident.values.status))) await this.records.applyIn(tx, incident, { status: 'in_progress' }, { origin: HUB_ORIGIN });
    await this.records.addJournalEntryIn(tx, organizationId, 'incident', incident.id, { body: `Alert "${alert.summary}" fired again within the reopen window: incident reopened.`, visibility: 'public' }, HUB_ORIGIN, now);
  }

  private async pickUp(tx: EntityManager, organizationId: string, incidentId: string): Promise<void> {
    const incident = await this.records.lock(tx, organizationId, 'incident', incidentId);
    if (incident.values.status === 'new') await this.records.applyIn(tx, incident, { status: 'acknowledged' }, { origin: HUB_ORIGIN });
  }

  /** The incident's status moved (in the hub, or on a platform through sync): its alerts follow. */
  async recordChanged(db: Db, before: HubRecord, after: HubRecord, fields: string[]): Promise<void> {
    if (after.kind !== 'incident' || !fields.includes('status')) return;
    const status = String(after.values.status);
    if (CLOSED_INCIDENT.has(status)) await followIncident(db, after.id, 'resolved', this.clock.now());
    else if (PICKED_UP.has(status) && before.values.status === 'new') await followIncident(db, after.id, 'acknowledged', this.clock.now());
  }

  async acknowledge(organizationId: string, id: string): Promise<AlertView> {
    await this.db.transaction(async (tx) => {
      const alert = await moveAlert(tx, organizationId, id, ['firing'], 'acknowledged', this.clock.now());
      if (!alert) throw await this.notIn(tx, organizationId, id, 'acknowledged', 'firing');
      if (alert.incident_id) await this.pickUp(tx, organizationId, alert.incident_id);
    });
    this.signals.outbox.notify();
    return this.get(organizationId, id);
  }

  /** A person resolving an alert resolves its incident once none of its alerts fires, whatever the mapping's `on_resolved`. */
  async resolve(organizationId: string, id: string): Promise<AlertView> {
    await this.db.transaction(async (tx) => {
      const alert = await moveAlert(tx, organizationId, id, OPEN_ALERT_STATUSES, 'resolved', this.clock.now());
      if (!alert) throw await this.notIn(tx, organizationId, id, 'resolved', 'open');
      await this.settleIncident(tx, [alert], 'resolve', this.clock.now());
    });
    this.signals.outbox.notify();
    return this.get(organizationId, id);
  }

  /** Seed 003's semi-automated level: a person confirms the alert, and its incident opens. */
  async approve(organizationId: string, id: string): Promise<AlertView> {
    await this.db.transaction(async (tx) => {
      const now = this.clock.now();
      const alert = await moveAlert(tx, organizationId, id, ['pending_approval'], 'firing', now);
      if (!alert) throw await this.notIn(tx, organizationId, id, 'approved', 'pending_approval');
      const mapping = alert.mapping_id ? (await this.mappings.list(organizationId, tx)).find((m) => m.id === alert.mapping_id) : undefined;
      if (!mapping) throw new ConflictError(`Alert ${id} has no mapping any more, so no incident can be opened for it.`);
      const storms = new Map<string, StormTouch>();
      await this.openIncidents(tx, organizationId, mapping, [{ alert, incoming: incomingOf(alert), deduplicated: false }], storms, now);
      for (const touch of storms.values()) await this.describeStorm(tx, touch);
    });
    this.signals.outbox.notify();
    return this.get(organizationId, id);
  }

  /**
   * Seed 004's rollout step "generate one test alert": a synthetic alert that this mapping (and no
   * more specific one) takes, so its incident opens on the mapping's integrations.
   */
  async testMapping(organizationId: string, ref: string): Promise<AlertView> {
    const mapping = await this.mappings.get(organizationId, ref);
    const incoming = fromOwnJson(ownAlertSchema.parse({
      source: 'itsm-hub-test', type: mapping.alert_type ?? TEST_ALERT_TYPE, severity: 'info', summary: `Test alert for mapping ${mapping.name}`,
      labels: mapping.match, details: { test: true }, dedup_key: `test:${mapping.id}:${this.clock.now().getTime()}`,
    }));
    const [outcome] = await this.intake(organizationId, [incoming]);
    const alert = await this.get(organizationId, outcome.id as string);
    if (alert.mapping_id !== mapping.id) {
      const under = alert.mapping_name ? `another, more specific mapping ("${alert.mapping_name}")` : 'no mapping';
      throw new ConflictError(`The test alert fell under ${under} and is ${alert.status}; it stays listed as alert ${alert.id}.`);
    }
    return alert;
  }

  async dismiss(organizationId: string, id: string): Promise<AlertView> {
    const alert = await moveAlert(this.db, organizationId, id, ['pending_approval', 'unmapped', 'suppressed'], 'dismissed', this.clock.now());
    if (!alert) throw await this.notIn(this.db, organizationId, id, 'dismissed', 'pending_approval, unmapped or suppressed');
    return this.get(organizationId, id);
  }

  async get(organizationId: string, id: string): Promise<AlertView> {
    const alert = await selectAlert(this.db, organizationId, id);
    if (!alert) throw new NotFoundError('Alert', id);
    return (await this.views([alert]))[0];
  }

  async list(organizationId: string, query: ListAlertsQuery): Promise<{ items: AlertView[]; total: number }> {
    const mappingId = query.mapping ? (await this.mappings.get(organizationId, query.mapping)).id : undefined;
    const { items, total } = await listAlerts(this.db, organizationId, { ...query, mappingId });
    return { items: await this.views(items), total };
  }

  private async views(alerts: Alert[]): Promise<AlertView[]> {
    const incidentIds = [...new Set(alerts.map((a) => a.incident_id).filter((v): v is string => v !== null))];
    const [tickets, incidents, mappings] = await Promise.all([
      ticketsOf(this.db, incidentIds),
      incidentIds.length > 0 ? sql(this.db, `SELECT id, title, status FROM incidents WHERE id = ANY($1::text[])`, [incidentIds]) : Promise.resolve([]),
      sql(this.db, `SELECT id, name FROM alert_mappings WHERE id = ANY($1::text[])`, [[...new Set(alerts.map((a) => a.mapping_id).filter(Boolean))]]),
    ]);
    const incidentOf = new Map(incidents.map((r) => [String(r.id), { id: String(r.id), title: String(r.title), status: String(r.status) }]));
    const nameOf = new Map(mappings.map((r) => [String(r.id), String(r.name)]));
    return alerts.map((a) => ({
      ...a,
      mapping_name: a.mapping_id ? (nameOf.get(a.mapping_id) ?? null) : null,
      incident: a.incident_id ? (incidentOf.get(a.incident_id) ?? null) : null,
      tickets: a.incident_id ? (tickets.get(a.incident_id) ?? []) : [],
    }));
  }

  /** Why an alert could not move; read on the caller's connection (inside its transaction the pool may have no other). */
  private async notIn(db: Db, organizationId: string, id: string, verb: string, expected: string): Promise<Error> {
    const alert = await selectAlert(db, organizationId, id);
    if (!alert) return new NotFoundError('Alert', id);
    return new ConflictError(`Alert ${id} is ${alert.status}: only a ${expected} alert can be ${verb}.`);
  }
}

/** Alerts keyed and merged: a key fires if any of its alerts fires in the payload, in key order. */
function byKey(incoming: IncomingAlert[], mappings: AlertMapping[]): KeyedAlert[] {
  const keyed = new Map<string, KeyedAlert>();
  for (const alert of incoming) {
    const mapping = matchMapping(mappings, alert);
    const key = dedupKeyOf(alert, mapping?.group_by ?? 'alert');
    const seen = keyed.get(key);
    if (!seen || rank(alert.action) > rank(seen.action)) keyed.set(key, { key, alert, action: alert.action, mapping });
  }
  return [...keyed.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** What a firing becomes before it is stored: suppressed in a maintenance window, unmapped, waiting for approval, or firing. */
function statusOf(k: KeyedAlert, windows: Awaited<ReturnType<MaintenanceWindowService['active']>>): { status: AlertStatus; error: string | null } {
  const mapping = k.mapping;
  if (coveringWindow(windows, k.alert.labels)) return { status: 'suppressed', error: null };
  if (!mapping) return { status: 'unmapped', error: null };
  if (mapping.integrations.length === 0) return { status: 'unmapped', error: `Mapping "${mapping.name}" targets no integration any more (its integrations were deleted).` };
  return { status: mapping.mode === 'approve' ? 'pending_approval' : 'firing', error: null };
}

/** Alerts with an incident, per incident, in their order. */
function byIncident(alerts: Alert[]): Map<string, Alert[]> {
  const groups = new Map<string, Alert[]>();
  for (const alert of alerts) {
    if (!alert.incident_id) continue;
    groups.set(alert.incident_id, [...(groups.get(alert.incident_id) ?? []), alert]);
  }
  return groups;
}

const rank = (action: AlertAction) => (action === 'trigger' ? 2 : action === 'acknowledge' ? 1 : 0);

function outcomeOf(alert: Alert, deduplicated: boolean): IntakeOutcome {
  return { id: alert.id, dedup_key: alert.dedup_key, status: alert.status, incident_id: alert.incident_id, deduplicated };
}

/** A stored alert as an incoming one, to render its mapping's templates again (approve). */
function incomingOf(alert: Alert): IncomingAlert {
  return {
    source: alert.source as IncomingAlert['source'], action: 'trigger', type: alert.alert_type, severity: alert.severity, summary: alert.summary, details: alert.details,
    labels: alert.labels, annotations: alert.annotations, explicitKey: alert.dedup_key, fingerprint: alert.fingerprint, groupKey: alert.group_key,
    generatorUrl: alert.generator_url, startsAt: alert.starts_at, endsAt: alert.ends_at,
  };
}
