import { Foundation1764000000000 } from './1764000000000-Foundation';
import { IncidentSync1764100000000 } from './1764100000000-IncidentSync';
import { RecordKinds1764200000000 } from './1764200000000-RecordKinds';
import { DependencyOrder1764300000000 } from './1764300000000-DependencyOrder';
import { InboundFailures1764400000000 } from './1764400000000-InboundFailures';
import { WebhookReplays1764500000000 } from './1764500000000-WebhookReplays';
import { OmittedValues1764600000000 } from './1764600000000-OmittedValues';
import { SyncRuns1764700000000 } from './1764700000000-SyncRuns';
import { Alerts1764800000000 } from './1764800000000-Alerts';

/** Every migration, oldest first. Migrations are never edited once released: add a new one. */
export const MIGRATIONS = [Foundation1764000000000, IncidentSync1764100000000, RecordKinds1764200000000, DependencyOrder1764300000000, InboundFailures1764400000000, WebhookReplays1764500000000, OmittedValues1764600000000, SyncRuns1764700000000, Alerts1764800000000];
