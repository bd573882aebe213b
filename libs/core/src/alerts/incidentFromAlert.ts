import type { FieldValue } from '../contracts/FieldValue';
import { createIncidentSchema } from '../records/incidentSchemas';
import type { RecordTarget } from '../sync/stores/RecordTargetStore';
import { DEFAULT_SEVERITY_MAP, type AlertMapping } from './AlertMappingService';
import type { IncomingAlert } from './normalizeAlerts';
import { renderTemplate } from './renderTemplate';

const TITLE_MAX = 500;
const NUMBER_FIELDS = new Set(['impact', 'urgency']);

export type IncidentDraft =
  | { ok: true; values: Record<string, FieldValue>; targets: RecordTarget[] }
  | { ok: false; error: string };

/**
 * The incident a mapped alert opens: the mapping's templates over the alert (the title defaults
 * to its summary), the priority from its severity (seed 003's P1–P4), and the mapping's
 * integrations as the record's only targets with their platform fields.
 */
export function incidentFromAlert(mapping: AlertMapping, alert: IncomingAlert, dedupKey: string): IncidentDraft {
  const values: Record<string, FieldValue> = {};
  for (const [field, template] of Object.entries(mapping.fields)) {
    const rendered = renderTemplate(template, alert).trim();
    if (rendered === '') continue;
    values[field] = NUMBER_FIELDS.has(field) ? Number(rendered) : rendered;
  }
  values.title = truncate(typeof values.title === 'string' ? values.title : alert.summary, TITLE_MAX);
  if (values.description === undefined) values.description = describe(alert, dedupKey);
  const severity = alert.severity?.toLowerCase();
  const priority = severity ? (mapping.severity_map[severity] ?? mapping.severity_map[alert.severity as string] ?? DEFAULT_SEVERITY_MAP[severity]) : undefined;
  if (priority) values.priority = priority;
  const parsed = createIncidentSchema.safeParse(values);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(incident)'}: ${i.message}`).join('; ');
    return { ok: false, error: `Mapping "${mapping.name}" makes an invalid incident from this alert: ${problems}` };
  }
  const targets = mapping.integrations.map((integrationId) => {
    const templates = mapping.platform_fields[integrationId] ?? {};
    const platformFields = Object.fromEntries(Object.entries(templates).map(([field, template]) => [field, renderTemplate(template, alert)]).filter(([, v]) => v !== ''));
    return { integrationId, platformFields };
  });
  return { ok: true, values: parsed.data as unknown as Record<string, FieldValue>, targets };
}

/** A storm's incident: one for many alerts of a mapping, listing the latest of them. */
export function stormIncident(mapping: AlertMapping): Record<string, FieldValue> {
  return { title: truncate(`Alert storm: ${mapping.name}`, TITLE_MAX), status: 'new', priority: 'P1', description: 'An alert storm started.' };
}

export function stormDescription(mapping: AlertMapping, count: number, startedAt: string, latest: Array<{ summary: string; labels: Record<string, string> }>): string {
  const lines = latest.map((a) => `- ${a.summary}${labelText(a.labels)}`);
  const more = count > latest.length ? `\n…and ${count - latest.length} more (GET /api/v1/alerts?mapping=${encodeURIComponent(mapping.name)}).` : '';
  return truncate(`${count} alerts of mapping "${mapping.name}" joined this storm since ${startedAt}:\n${lines.join('\n')}${more}`, 32_000);
}

function describe(alert: IncomingAlert, dedupKey: string): string {
  const parts = [alert.summary];
  if (alert.annotations.description && alert.annotations.description !== alert.summary) parts.push(alert.annotations.description);
  const labels = Object.entries(alert.labels).map(([k, v]) => `${k}=${v}`).join(', ');
  if (labels) parts.push(`Labels: ${labels}`);
  if (alert.generatorUrl) parts.push(`Source: ${alert.generatorUrl}`);
  parts.push(`Alert key: ${dedupKey}`);
  return truncate(parts.join('\n\n'), 32_000);
}

const labelText = (labels: Record<string, string>) => {
  const text = Object.entries(labels).filter(([k]) => k !== 'alertname').map(([k, v]) => `${k}=${v}`).join(', ');
  return text ? ` (${text})` : '';
};

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
