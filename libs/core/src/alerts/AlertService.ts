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
import type { AlertStatus, ListAlertsQuery } from './alertSchemas';
import {
  activeAlertsOf, attachIncident, followIncident, listAlerts, markCommented, markError, moveAlert, OPEN_ALERT_STATUSES,
  reopenResolved, selectAlert, ticketsOf, upsertFiring, type Alert, type TicketReference,
} from './AlertStore';
import { incidentFromAlert, stormDescription, stormIncident } from './incidentFromAlert';
import { coveringWindow, MaintenanceWindowService } from './MaintenanceWindowService';
import { dedupKeyOf, type AlertAction, type IncomingAlert } from './normalizeAlerts';

export const SPAN_PROCESS_ALERT = 'ProcessAlert';
/** A repeated firing adds a comment to its incident at most this often. */
export const REFIRE_COMMENT_MS = 3_600_000;
const CLOSED_INCIDENT = new Set(['resolved', 'closed', 'canceled']);
const PICKED_UP = new Set(['acknowledged', 'in_progress', 'on_hold']);
const STORM_LIST = 50;

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
    const outcomes = await this.db.transaction(async (tx) => {
      const [mappings, windows] = await Promise.all([this.mappings.list(organizationId, tx), this.windows.active(tx, organizationId, now)]);
      const keyed = byKey(incoming, mappings);
      // Storm counters are per mapping: lock those first, in id order, so intakes never wait on each other in a circle.
      const stormy = [...new Set(keyed.filter((k) => k.mapping?.storm && k.action === 'trigger').map((k) => (k.mapping as AlertMapping).id))].sort();
      if (stormy.length > 0) await sql(tx, `SELECT id FROM alert_mappings WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE`, [stormy]);
      const storms = new Map<string, StormTouch>();
      const results: IntakeOutcome[] = [];
      for (const k of keyed) {
        results.push(await inSpan(SPAN_PROCESS_ALERT, { 'sync.record_kind': 'alert', 'sync.alert_source': k.alert.source, 'sync.alert_action': k.action }, async (span) => {
          const outcome = await this.process(tx, organizationId, k, windows, storms, now);
          span.setAttributes({ 'sync.alert_id': outcome.id ?? '', 'sync.alert_status': outcome.status, 'sync.result': outcome.deduplicated ? 'skipped' : 'success', ...(outcome.incident_id ? { 'sync.incident_id': outcome.incident_id } : {}) });
          return outcome;
        }));
      }
      for (const touch of storms.values()) await this.describeStorm(tx, touch);
      return results;
    });
    this.signals.outbox.notify();
    return outcomes;
  }

  private async process(tx: EntityManager, organizationId: string, k: KeyedAlert, windows: Awaited<ReturnType<MaintenanceWindowService['active']>>, storms: Map<string, StormTouch>, now: Date): Promise<IntakeOutcome> {
    const { key, mapping } = k;
    if (k.action === 'resolve') {
      const resolved = await moveAlert(tx, { organizationId, dedupKey: key }, OPEN_ALERT_STATUSES, 'resolved', now, k.alert.endsAt);
      if (!resolved) {
        this.metrics.alertsUnmatched.inc({ action: 'resolve' });
        return { id: null, dedup_key: key, status: 'not_open', incident_id: null, deduplicated: false };
      }
      if (resolved.incident_id) await this.settleIncident(tx, resolved, mapping?.on_resolved ?? 'resolve', now);
      return outcomeOf(resolved, false);
    }
    if (k.action === 'acknowledge') {
      const acked = await moveAlert(tx, { organizationId, dedupKey: key }, ['firing'], 'acknowledged', now);
      if (!acked) {
        this.metrics.alertsUnmatched.inc({ action: 'acknowledge' });
        return { id: null, dedup_key: key, status: 'not_open', incident_id: null, deduplicated: false };
      }
      if (acked.incident_id) await this.pickUp(tx, organizationId, acked.incident_id);
      return outcomeOf(acked, false);
    }
    const window = coveringWindow(windows, k.alert.labels);
    let status: AlertStatus = 'firing';
    let error: string | null = null;
    if (window) status = 'suppressed';
    else if (!mapping) status = 'unmapped';
    else if (mapping.integrations.length === 0) {
      status = 'unmapped';
      error = `Mapping "${mapping.name}" targets no integration any more (its integrations were deleted).`;
    } else if (mapping.mode === 'approve') status = 'pending_approval';
    if (status === 'firing' && mapping?.reopen_window_seconds) {
      const reopened = await reopenResolved(tx, organizationId, key, mapping.reopen_window_seconds, now);
      if (reopened) {
        await this.reopenIncident(tx, organizationId, reopened, now);
        this.metrics.alertsDeduplicated.inc({ outcome: 'reopened' });
        return outcomeOf(reopened, true);
      }
    }
    const { alert, inserted } = await upsertFiring(tx, {
      organizationId, alert: k.alert, dedupKey: key, status, mappingId: mapping?.id ?? null, error, windowSeconds: mapping?.storm?.window ?? null, at: now,
    });
    if (inserted && status === 'unmapped') this.metrics.alertsUnmapped.inc();
    if (inserted && status === 'suppressed') this.metrics.alertsSuppressed.inc();
    if (!inserted) this.metrics.alertsDeduplicated.inc({ outcome: 'repeat' });
    if (alert.status !== 'firing' || !mapping || alert.mapping_id !== mapping.id) return outcomeOf(alert, !inserted);
    if (!alert.incident_id) {
      const minFirings = mapping.storm?.min_firings ?? 1;
      const incidentId = alert.window_firings >= minFirings ? await this.openIncident(tx, organizationId, alert, k.alert, mapping, storms, now) : null;
      return outcomeOf({ ...alert, incident_id: incidentId }, !inserted);
    }
    if (!inserted) await this.noteRefire(tx, organizationId, alert, now);
    return outcomeOf(alert, !inserted);
  }

  /** A new incident for the alert, or a place in its mapping's storm once the storm threshold is passed. */
  private async openIncident(tx: EntityManager, organizationId: string, alert: Alert, incoming: IncomingAlert, mapping: AlertMapping, storms: Map<string, StormTouch>, now: Date): Promise<string | null> {
    const draft = incidentFromAlert(mapping, incoming, alert.dedup_key);
    if (!draft.ok) {
      await markError(tx, alert.id, draft.error, now);
      this.metrics.alertsFailed.inc();
      return null;
    }
    const threshold = mapping.storm?.threshold;
    if (threshold !== undefined && mapping.storm) {
      const storm = await this.countInStorm(tx, organizationId, mapping, threshold, now);
      if (storm.count > threshold) {
        let incidentId = storm.incidentId;
        if (!incidentId) {
          const opened = stormIncident(mapping, draft.targets);
          incidentId = (await this.records.createIn(tx, organizationId, 'incident', opened.values, { origin: HUB_ORIGIN, targets: opened.targets })).id;
          await sql(tx, `UPDATE alert_storms SET incident_id = $2 WHERE id = $1`, [storm.id, incidentId]);
        }
        await attachIncident(tx, alert.id, incidentId, storm.id, now);
        storms.set(storm.id, { stormId: storm.id, mapping });
        this.metrics.alertsStormed.inc();
        return incidentId;
      }
    }
    const incident = await this.records.createIn(tx, organizationId, 'incident', draft.values, { origin: HUB_ORIGIN, targets: draft.targets });
    await attachIncident(tx, alert.id, incident.id, null, now);
    return incident.id;
  }

  /**
   * The mapping's current storm (alerts keep coming within its window) with this alert counted, and
   * counted as joined past the threshold; a new storm when the last one ended.
   */
  private async countInStorm(tx: EntityManager, organizationId: string, mapping: AlertMapping, threshold: number, now: Date): Promise<{ id: string; count: number; incidentId: string | null }> {
    const window = (mapping.storm as NonNullable<AlertMapping['storm']>).window;
    const [current] = await sql(tx,
      `UPDATE alert_storms SET alert_count = alert_count + 1, last_alert_at = $2, joined_count = joined_count + (CASE WHEN alert_count + 1 > $4 THEN 1 ELSE 0 END)
        WHERE id = (SELECT id FROM alert_storms WHERE mapping_id = $1 AND last_alert_at >= $2::timestamptz - make_interval(secs => $3::int) ORDER BY last_alert_at DESC LIMIT 1)
        RETURNING id, alert_count, incident_id`,
      [mapping.id, now.toISOString(), window, threshold],
    );
    if (current) return { id: String(current.id), count: Number(current.alert_count), incidentId: (current.incident_id as string | null) ?? null };
    const id = randomUUID();
    await sql(tx, `INSERT INTO alert_storms (id, organization_id, mapping_id, started_at, last_alert_at, alert_count) VALUES ($1, $2, $3, $4, $4, 1)`, [id, organizationId, mapping.id, now.toISOString()]);
    return { id, count: 1, incidentId: null };
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

  /** After an alert resolved: its incident resolves when none of its alerts is still firing (or gets a comment, or nothing). */
  private async settleIncident(tx: EntityManager, alert: Alert, onResolved: AlertMapping['on_resolved'], now: Date): Promise<void> {
    const incidentId = alert.incident_id as string;
    if (onResolved === 'none') return;
    const left = await activeAlertsOf(tx, incidentId);
    const incident = await this.records.lock(tx, alert.organization_id, 'incident', incidentId);
    if (onResolved === 'comment' || left > 0) {
      const body = left > 0 ? `Alert "${alert.summary}" resolved; ${left} of its alerts still firing.` : `Alert "${alert.summary}" resolved.`;
      await this.records.addJournalEntryIn(tx, alert.organization_id, 'incident', incidentId, { body, visibility: 'public' }, HUB_ORIGIN, now);
      return;
    }
    if (CLOSED_INCIDENT.has(String(incident.values.status))) return;
    await this.records.applyIn(tx, incident, { status: 'resolved', resolution_note: `Resolved by ITSM Hub: its alerts resolved (last: "${alert.summary}" at ${now.toISOString()}).` }, { origin: HUB_ORIGIN });
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
      const alert = await moveAlert(tx, { organizationId, id }, ['firing'], 'acknowledged', this.clock.now());
      if (!alert) throw await this.notIn(organizationId, id, 'acknowledged', 'firing');
      if (alert.incident_id) await this.pickUp(tx, organizationId, alert.incident_id);
    });
    this.signals.outbox.notify();
    return this.get(organizationId, id);
  }

  /** A person resolving an alert resolves its incident once none of its alerts fires, whatever the mapping's `on_resolved`. */
  async resolve(organizationId: string, id: string): Promise<AlertView> {
    await this.db.transaction(async (tx) => {
      const alert = await moveAlert(tx, { organizationId, id }, OPEN_ALERT_STATUSES, 'resolved', this.clock.now());
      if (!alert) throw await this.notIn(organizationId, id, 'resolved', 'open');
      if (alert.incident_id) await this.settleIncident(tx, alert, 'resolve', this.clock.now());
    });
    this.signals.outbox.notify();
    return this.get(organizationId, id);
  }

  /** Seed 003's semi-automated level: a person confirms the alert, and its incident opens. */
  async approve(organizationId: string, id: string): Promise<AlertView> {
    await this.db.transaction(async (tx) => {
      const now = this.clock.now();
      const alert = await moveAlert(tx, { organizationId, id }, ['pending_approval'], 'firing', now);
      if (!alert) throw await this.notIn(organizationId, id, 'approved', 'pending_approval');
      const mapping = alert.mapping_id ? (await this.mappings.list(organizationId, tx)).find((m) => m.id === alert.mapping_id) : undefined;
      if (!mapping) throw new ConflictError(`Alert ${id} has no mapping any more, so no incident can be opened for it.`);
      const storms = new Map<string, StormTouch>();
      await this.openIncident(tx, organizationId, alert, incomingOf(alert), mapping, storms, now);
      for (const touch of storms.values()) await this.describeStorm(tx, touch);
    });
    this.signals.outbox.notify();
    return this.get(organizationId, id);
  }

  async dismiss(organizationId: string, id: string): Promise<AlertView> {
    const alert = await moveAlert(this.db, { organizationId, id }, ['pending_approval', 'unmapped', 'suppressed'], 'dismissed', this.clock.now());
    if (!alert) throw await this.notIn(organizationId, id, 'dismissed', 'pending_approval, unmapped or suppressed');
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

  private async notIn(organizationId: string, id: string, verb: string, expected: string): Promise<Error> {
    const alert = await selectAlert(this.db, organizationId, id);
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
