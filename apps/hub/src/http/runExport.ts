import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { displayValue, type RunItem, type SyncRun } from '@itsm-hub/core';
import { stringify } from 'csv-stringify';

/** Seed 002's three exports: the data of the run, only its errors and warnings, or both. */
export const EXPORT_PARTS = ['items', 'errors', 'all'] as const;
export type ExportPart = (typeof EXPORT_PARTS)[number];

const ITEM_COLUMNS = [
  'run_id', 'record_kind', 'record_id', 'external_id', 'external_number', 'category', 'matched_by', 'action', 'outcome',
  'field', 'external_field', 'hub_value', 'external_value', 'base_value', 'owner', 'field_action', 'reason',
] as const;
const PROBLEM_COLUMNS = ['severity', 'message'] as const;

const COLUMNS: Record<ExportPart, readonly string[]> = {
  items: ITEM_COLUMNS,
  errors: ['run_id', 'record_kind', 'record_id', 'external_id', 'external_number', 'category', 'action', 'outcome', ...PROBLEM_COLUMNS],
  all: [...ITEM_COLUMNS, ...PROBLEM_COLUMNS],
};

/** Failed items are errors; stale, skipped and annotated ones (a duplicate, a missing record) are warnings. */
function severityOf(item: RunItem): 'error' | 'warning' | '' {
  if (item.outcome === 'failed') return 'error';
  return item.outcome === 'stale' || item.outcome === 'skipped' || item.message ? 'warning' : '';
}

/** One row per drifted field (an item without fields is one row). */
function rowsOf(item: RunItem): Array<Record<string, string>> {
  const common = {
    run_id: item.run_id, record_kind: item.record_kind, record_id: item.record_id ?? '', external_id: item.external_id ?? '', external_number: item.external_number ?? '',
    category: item.category, matched_by: item.matched_by, action: item.action, outcome: item.outcome, severity: severityOf(item), message: item.message ?? '',
  };
  if (item.fields.length === 0) return [common];
  return item.fields.map((f) => ({
    ...common, field: f.field, external_field: f.external_field, hub_value: displayValue(f.hub) ?? '', external_value: displayValue(f.external) ?? '',
    base_value: displayValue(f.base) ?? '', owner: f.owner ?? '', field_action: f.action, reason: f.reason,
  }));
}

/**
 * The run as CSV with a header row, streamed a page of items at a time. The errors part also
 * carries the run's own error, if it ended with one.
 */
export function runCsv(run: SyncRun, part: ExportPart, items: AsyncIterable<RunItem>): Readable {
  const csv = stringify({ header: true, columns: [...COLUMNS[part]] });
  void (async () => {
    if (part !== 'items' && run.error) {
      csv.write({ run_id: run.id, category: '', action: '', outcome: run.status, severity: run.status === 'canceled' ? 'warning' : 'error', message: run.error });
    }
    for await (const item of items) {
      if (part === 'errors' && severityOf(item) === '') continue;
      for (const row of rowsOf(item)) if (!csv.write(row)) await once(csv, 'drain');
    }
    csv.end();
  })().catch((err: unknown) => csv.destroy(err as Error));
  return csv;
}
