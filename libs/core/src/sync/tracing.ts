import { SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';

export const SPANS = {
  outbound: 'ProcessTimelineEvent',
  webhook: 'ProcessWebhook',
  detectConflict: 'DetectConflict',
  resolveConflict: 'ResolveConflict',
} as const;

export type SyncResult = 'success' | 'skipped' | 'error' | 'retry';

/**
 * The record attributes of every sync span: seed 000's `sync.incident_id` for incidents, and the
 * kind and id for every kind.
 */
export function recordAttributes(kind: string, id: string | undefined): Attributes {
  if (id === undefined) return { 'sync.record_kind': kind };
  return { 'sync.record_kind': kind, 'sync.record_id': id, ...(kind === 'incident' ? { 'sync.incident_id': id } : {}) };
}

const tracer = () => trace.getTracer('itsm-hub-sync');

/** Runs `work` in a span carrying the seed's `sync.*` attributes; errors mark the span and rethrow. */
export async function inSpan<T>(name: string, attributes: Attributes, work: (span: Span) => Promise<T>): Promise<T> {
  return tracer().startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await work(span);
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
      span.setAttribute('sync.result', 'error');
      throw err;
    } finally {
      span.end();
    }
  });
}

/**
 * With INCIDENTS_SYNC_TRACE on, one span event per field decision. Values are never recorded:
 * incident text can hold personal data and secrets pasted by users.
 */
export function traceField(enabled: boolean, span: Span, field: string, decision: string, externalField?: string): void {
  if (!enabled) return;
  span.addEvent('sync.field', { 'sync.field': field, 'sync.external_field': externalField ?? '', 'sync.decision': decision, 'sync.value': '[redacted]' });
}
