import { createHash, randomUUID } from 'node:crypto';
import type { AlertmanagerPayload, EventsV2Event, GroupBy, OwnAlert } from './alertSchemas';

export type AlertSource = 'alertmanager' | 'events' | 'api';
export type AlertAction = 'trigger' | 'acknowledge' | 'resolve';

/** One alert from any intake, in one shape. */
export interface IncomingAlert {
  source: AlertSource;
  action: AlertAction;
  /** `alertname`, the event's `class`, our JSON's `type`. */
  type: string | null;
  severity: string | null;
  summary: string;
  details: Record<string, unknown>;
  /** What mappings match and templates read: Prometheus labels, an event's payload fields. */
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** A key the sender chose (an event's `dedup_key`, our JSON's): it wins over every `group_by`. */
  explicitKey: string | null;
  fingerprint: string | null;
  groupKey: string | null;
  generatorUrl: string | null;
  startsAt: string | null;
  endsAt: string | null;
}

/** Alertmanager's zero time means "no end" (it sends `0001-01-01T00:00:00Z`). */
const realTime = (value: string | undefined) => (value && !value.startsWith('0001-') ? value : null);

export function fromAlertmanager(payload: AlertmanagerPayload): IncomingAlert[] {
  return payload.alerts.map((alert) => ({
    source: 'alertmanager',
    action: alert.status === 'firing' ? 'trigger' : 'resolve',
    type: alert.labels.alertname ?? null,
    severity: alert.labels.severity ?? null,
    summary: alert.annotations.summary ?? alert.annotations.description ?? alert.labels.alertname ?? `Alert ${alert.fingerprint}`,
    details: {},
    labels: alert.labels,
    annotations: alert.annotations,
    explicitKey: null,
    fingerprint: alert.fingerprint,
    groupKey: payload.groupKey,
    generatorUrl: alert.generatorURL || null,
    startsAt: realTime(alert.startsAt),
    endsAt: realTime(alert.endsAt),
  }));
}

/** An event's labels are its payload fields (what mappings match and `{{labels.x}}` reads). */
export function fromEvent(event: EventsV2Event, dedupKey: string): IncomingAlert {
  const payload = event.payload;
  const labels: Record<string, string> = {};
  for (const field of ['source', 'severity', 'component', 'group', 'class'] as const) if (payload?.[field]) labels[field] = payload[field] as string;
  const details = payload?.custom_details;
  return {
    source: 'events',
    action: event.event_action,
    type: payload?.class ?? null,
    severity: payload?.severity ?? null,
    summary: payload?.summary ?? dedupKey,
    details: details && typeof details === 'object' && !Array.isArray(details) ? (details as Record<string, unknown>) : details === undefined ? {} : { details },
    labels,
    annotations: {},
    explicitKey: dedupKey,
    fingerprint: null,
    groupKey: null,
    generatorUrl: event.client_url ?? null,
    startsAt: payload?.timestamp ?? null,
    endsAt: null,
  };
}

/** A trigger without a key gets a new one, as PagerDuty answers (a UUID). */
export const newDedupKey = (): string => randomUUID().replace(/-/g, '');

export function fromOwnJson(alert: OwnAlert): IncomingAlert {
  return {
    source: 'api',
    action: alert.status === 'firing' ? 'trigger' : 'resolve',
    type: alert.type ?? null,
    severity: alert.severity ?? null,
    summary: alert.summary,
    details: alert.details,
    labels: { source: alert.source, ...(alert.type ? { alertname: alert.type } : {}), ...alert.labels },
    annotations: {},
    explicitKey: alert.dedup_key ?? null,
    fingerprint: null,
    groupKey: null,
    generatorUrl: null,
    startsAt: null,
    endsAt: null,
  };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const sortedPairs = (labels: Record<string, string>) => JSON.stringify(Object.keys(labels).sort().map((k) => [k, labels[k]]));

/**
 * The deduplication key, in order: the sender's key; per `group_by`, the alert's fingerprint, a
 * hash of the group key (sha256, as Alertmanager's own `Key.Hash()`), or of the chosen labels; else
 * a hash of all labels.
 */
export function dedupKeyOf(alert: IncomingAlert, groupBy: GroupBy): string {
  if (alert.explicitKey) return alert.explicitKey;
  if (groupBy === 'alert' && alert.fingerprint) return `fp:${alert.fingerprint}`;
  if (groupBy === 'group' && alert.groupKey) return `group:${sha256(alert.groupKey)}`;
  if (Array.isArray(groupBy)) return `labels:${sha256(sortedPairs(Object.fromEntries(groupBy.map((l) => [l, alert.labels[l] ?? '']))))}`;
  return `labels:${sha256(sortedPairs(alert.labels))}`;
}
