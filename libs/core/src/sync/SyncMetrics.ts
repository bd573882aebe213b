import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { inject, injectable } from 'tsyringe';
import type { DataSource } from 'typeorm';
import { TOKENS } from '../di/tokens';
import { statementsSent } from '../persistence/statementCount';
import { queueDepths } from './stores/QueueDepths';

/** Prometheus series of the sync engine, in their own registry that the hub's /metrics merges. */
@injectable()
export class SyncMetrics {
  readonly registry = new Registry();
  readonly jobs = new Counter({
    name: 'itsm_sync_jobs_total',
    help: 'Sync jobs handled, by direction and result (success, skipped, error, retry, dead_letter).',
    labelNames: ['direction', 'integration_type', 'result'],
    registers: [this.registry],
  });
  readonly jobDuration = new Histogram({
    name: 'itsm_sync_job_duration_seconds',
    help: 'Time to handle one sync job, platform calls included.',
    labelNames: ['direction', 'integration_type'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: 'itsm_sync_latency_seconds',
    help: 'From a committed hub change to its write on the platform.',
    labelNames: ['integration_type'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });
  readonly conflicts = new Counter({
    name: 'itsm_sync_conflicts_total',
    help: 'Conflicts detected, by strategy and outcome (platform, external, pending).',
    labelNames: ['strategy', 'outcome'],
    registers: [this.registry],
  });
  readonly inboundFailures = new Counter({
    name: 'itsm_sync_inbound_failures_total',
    help: 'Inbound events kept as failed: the record was not found (not_found), the platform refused the read (rejected), or retries ran out (exhausted).',
    labelNames: ['integration_type', 'reason'],
    registers: [this.registry],
  });
  readonly reconcileRuns = new Counter({
    name: 'itsm_reconcile_runs_total',
    help: 'Finished reconciliation runs by platform type and status',
    labelNames: ['integration_type', 'status'],
    registers: [this.registry],
  });
  readonly discrepancies = new Counter({
    name: 'itsm_reconcile_discrepancies_total',
    help: 'Discrepancies reconciliation runs found, by platform type and category',
    labelNames: ['integration_type', 'category'],
    registers: [this.registry],
  });
  readonly scheduleTicks = new Counter({
    name: 'itsm_schedule_ticks_total',
    help: 'Scheduled ticks this process fired: claimed (it started the run), taken (another process had claimed the tick), skipped (a run was still going)',
    labelNames: ['type', 'outcome'],
    registers: [this.registry],
  });
  readonly alertsReceived = new Counter({
    name: 'itsm_alerts_received_total',
    help: 'Alerts received, by intake (alertmanager, events, api).',
    labelNames: ['source'],
    registers: [this.registry],
  });
  readonly alertsDeduplicated = new Counter({
    name: 'itsm_alerts_deduplicated_total',
    help: 'Firings that opened no new alert: a repeat of an open one (repeat) or a firing within the reopen window (reopened).',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
  readonly alertsStormed = new Counter({
    name: 'itsm_alerts_storm_grouped_total',
    help: "Alerts that joined their mapping's storm incident instead of opening their own.",
    registers: [this.registry],
  });
  readonly alertsUnmapped = new Counter({
    name: 'itsm_alerts_unmapped_total',
    help: 'New alerts no mapping took (kept with status unmapped).',
    registers: [this.registry],
  });
  readonly alertsSuppressed = new Counter({
    name: 'itsm_alerts_suppressed_total',
    help: 'New alerts inside a maintenance window (kept with status suppressed).',
    registers: [this.registry],
  });
  readonly alertsUnmatched = new Counter({
    name: 'itsm_alerts_unmatched_total',
    help: 'Acknowledge and resolve events for a key with no open alert: nothing to change, answered as not_open.',
    labelNames: ['action'],
    registers: [this.registry],
  });
  readonly alertsFailed = new Counter({
    name: 'itsm_alerts_failed_total',
    help: 'Alerts whose mapping made an invalid incident (the alert keeps the error).',
    registers: [this.registry],
  });
  readonly deadLettered = new Counter({
    name: 'itsm_sync_dead_letters_total',
    help: 'Jobs moved to the dead letter queue.',
    labelNames: ['integration_type'],
    registers: [this.registry],
  });

  constructor(@inject(TOKENS.DataSource) db: DataSource) {
    new Gauge({
      name: 'itsm_sync_queue_depth',
      help: 'Entries waiting in the outbox, the inbox, the failed inbound events and the dead letter queue.',
      labelNames: ['queue'],
      registers: [this.registry],
      async collect() {
        const row = await queueDepths(db);
        this.set({ queue: 'outbox' }, row.outbox);
        this.set({ queue: 'inbox' }, row.inbox);
        this.set({ queue: 'inbox_failed' }, row.inbox_failed);
        this.set({ queue: 'dead_letter' }, row.dead_letter);
      },
    });
    let counted = 0;
    new Counter({
      name: 'itsm_db_statements_total',
      help: 'SQL statements this process sent to the database (the driver\'s count).',
      registers: [this.registry],
      collect() {
        const sent = statementsSent(db);
        this.inc(sent - counted);
        counted = sent;
      },
    });
  }
}
