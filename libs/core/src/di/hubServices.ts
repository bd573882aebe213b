import { Lifecycle, type DependencyContainer } from 'tsyringe';
import { DatabaseAuditSink } from '../http/DatabaseAuditSink';
import { AlertService } from '../alerts/AlertService';
import { PrincipalCache } from '../organizations/PrincipalCache';
import { RunScheduler } from '../reconcile/RunScheduler';
import { SyncRunService } from '../reconcile/SyncRunService';
import { RecordChangeHooks } from '../records/RecordChangeHooks';
import { RecordKinds } from '../records/kinds/RecordKinds';
import { IntegrationRuntimes } from '../sync/IntegrationRuntimes';
import { RateLimiter } from '../sync/RateLimiter';
import { SyncEngine } from '../sync/SyncEngine';
import { SyncMetrics } from '../sync/SyncMetrics';
import { SyncSignals } from '../sync/Wakeup';

/**
 * Services that hold state, one per hub (container-scoped): signals, metrics, cached adapters, the
 * kinds it keeps, the running loops, the sync log's buffer, authenticated tokens, the runs it
 * executes and the listeners of record changes.
 */
const STATEFUL = [SyncSignals, SyncMetrics, IntegrationRuntimes, RecordKinds, SyncEngine, DatabaseAuditSink, PrincipalCache, RateLimiter, SyncRunService, RunScheduler, RecordChangeHooks] as const;

/** Registers the stateful services and the features that follow record changes (alerts follow their incident). */
export function registerHubServices(container: DependencyContainer): void {
  for (const stateful of STATEFUL) container.register(stateful as never, { useClass: stateful as never }, { lifecycle: Lifecycle.ContainerScoped });
  container.register(AlertService, { useClass: AlertService }, { lifecycle: Lifecycle.ContainerScoped });
  container.resolve(RecordChangeHooks).add(container.resolve(AlertService));
}
