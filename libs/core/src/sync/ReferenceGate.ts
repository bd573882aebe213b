import { inject, injectable } from 'tsyringe';
import type { DataSource } from 'typeorm';
import type { Clock } from '../contracts/Clock';
import { TOKENS } from '../di/tokens';
import { RecordKinds } from '../records/kinds/RecordKinds';
import { undeliverable } from './deliveryErrors';
import type { IntegrationRuntime } from './IntegrationRuntimes';
import type { MissingReference } from './references';
import { saveLink, type LinkKey } from './stores/LinkStore';
import { inCycle, parkUntilWritten, referenceState, refKey, releaseParked } from './stores/ReferenceWaits';

/**
 * Holds back a record whose references have no platform id on the integration yet, so it is
 * written after them: its job is parked (unclaimed, keeping its lane) until their writes wake it.
 * Where each reference stands is read after parking, so a write that committed meanwhile is seen
 * here and a later one wakes the parked job. A reference that can never be written there throws
 * an undeliverable failure naming the reference and why (the job goes to the dead letter queue).
 */
@injectable()
export class ReferenceGate {
  constructor(
    @inject(TOKENS.DataSource) private readonly db: DataSource,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    private readonly kinds: RecordKinds,
  ) {}

  async park(runtime: IntegrationRuntime, job: { id: string; owner: string }, key: LinkKey, missing: MissingReference[]): Promise<void> {
    const refs = [...new Map(missing.map((m) => [refKey(m.kind, m.id), m])).values()];
    const message = `Waiting for referenced records to be written to ${runtime.row.name} first: ${refs.map((m) => `${m.field} → ${m.kind} ${m.id}`).join(', ')}.`;
    await saveLink(this.db, key, { sync_status: 'pending', last_error: message }, this.clock.now());
    await parkUntilWritten(this.db, job, refs.map((m) => refKey(m.kind, m.id)), message);
    const written: string[] = [];
    const never: string[] = [];
    for (const ref of refs) {
      const named = `${ref.field} refers to ${ref.kind} ${ref.id}`;
      const target = this.kinds.find(ref.kind);
      const state = target && runtime.supports(ref.kind, 'create')
        ? await referenceState(this.db, runtime.id, { name: target.table ?? 'hub_records', generic: !target.table }, ref)
        : undefined;
      if (state?.linked) written.push(refKey(ref.kind, ref.id));
      else if (!state) never.push(`${named}, which ${runtime.row.name} cannot hold: the ${runtime.type} adapter does not create ${ref.kind} records.`);
      else if (!state.exists) never.push(`${named}, which no longer exists in the hub.`);
      else if (state.buried && !state.queued) never.push(`${named}, whose write to ${runtime.row.name} is in the dead letter queue.`);
      else if (!state.queued) never.push(`${named}, which has no record on ${runtime.row.name} and is not being written there (outside its create filter, or not sent to it).`);
      else if (await inCycle(this.db, runtime.id, refKey(ref.kind, ref.id), refKey(key.kind, key.recordId))) {
        never.push(`${named}, which waits (through its own references) for this record: a reference cycle that no order of writes can satisfy.`);
      }
    }
    if (never.length > 0) throw undeliverable(`Unresolvable reference: ${never.join(' ')}`, 'user');
    await releaseParked(this.db, job, written);
  }
}
