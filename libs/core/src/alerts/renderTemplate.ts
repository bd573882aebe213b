import type { IncomingAlert } from './normalizeAlerts';

const PLACEHOLDER = /\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)(?:\.([a-zA-Z_][a-zA-Z0-9_]*))?\s*\}\}/g;
const SCALARS = new Set(['summary', 'severity', 'type', 'source', 'fingerprint', 'generator_url']);
const MAPS = new Set(['labels', 'annotations', 'details']);

/**
 * Fills `{{labels.x}}`, `{{annotations.x}}`, `{{details.x}}` and `{{summary}}`, `{{severity}}`,
 * `{{type}}`, `{{source}}`, `{{fingerprint}}`, `{{generator_url}}`. Output is plain text for a
 * platform field, so nothing is escaped; a missing value renders empty.
 */
export function renderTemplate(template: string, alert: IncomingAlert): string {
  return template.replace(PLACEHOLDER, (_, head: string, key: string | undefined) => {
    if (key === undefined) return scalarOf(alert, head) ?? '';
    const map = head === 'labels' ? alert.labels : head === 'annotations' ? alert.annotations : head === 'details' ? alert.details : undefined;
    const value = map?.[key];
    return value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  });
}

/** Placeholders a template names that the renderer does not know: refused when the mapping is saved. */
export function unknownPlaceholders(template: string): string[] {
  const unknown: string[] = [];
  for (const [whole, head, key] of template.matchAll(PLACEHOLDER)) {
    if (key === undefined ? !SCALARS.has(head) : !MAPS.has(head)) unknown.push(whole);
  }
  return unknown;
}

function scalarOf(alert: IncomingAlert, name: string): string | null {
  switch (name) {
    case 'summary': return alert.summary;
    case 'severity': return alert.severity;
    case 'type': return alert.type;
    case 'source': return alert.source;
    case 'fingerprint': return alert.fingerprint;
    case 'generator_url': return alert.generatorUrl;
    default: return null;
  }
}
