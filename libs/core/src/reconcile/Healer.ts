import { inject, injectable } from 'tsyringe';
import type { DataSource } from 'typeorm';
import type { Clock } from '../contracts/Clock';
import type { ExternalRecord } from '../contracts/ExternalRecord';
import { displayValue } from '../contracts/FieldValue';
import { TOKENS } from '../di/tokens';
import { mappedExternal, toCanonicalValue } from '../mapping/FieldMapper';
import type { HubRecord } from '../records/HubRecord';
import type { RecordKindDefinition } from '../records/kinds/RecordKindDefinition';
import { takesInbound, type IntegrationRuntime } from '../sync/IntegrationRuntimes';
import { insertConflict } from '../sync/stores/ConflictStore';
import { queuePolledRecords } from '../sync/stores/InboxStore';
import { deleteLink, findLink, saveLink, updateLink, type LinkKey } from '../sync/stores/LinkStore';
import { requeue } from '../sync/stores/OutboxStore';
import { SyncSignals } from '../sync/Wakeup';
import { healingBase } from './compareRecord';
import type { ItemAction, NewItem } from './SyncRunStore';

/** What an action needs beside its item: the platform record as found, and the hub record. */
export interface HealContext {
  external?: ExternalRecord;
  record?: HubRecord;
}

/**
 * Applies one reconciliation item through the normal sync paths, so ownership, conflict strategy,
 * rate limits, retries, dead letters and tracing all apply: it only prepares the link and queues
 * the job. Those paths diff against the link's base and drop versions they have seen, so a drift
 * first gets the base the scan found on the platform for fields to push (the outbound diff then
 * sends exactly them) and the hub's value for fields to pull (the inbound diff then takes exactly
 * them, with the link's version forgotten so the read is not an echo).
 */
@injectable()
export class Healer {
  constructor(
    @inject(TOKENS.DataSource) private readonly db: DataSource,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(SyncSignals) private readonly signals: SyncSignals,
  ) {}

  /** Returns a note when the action could not apply here (the integration does not take records in, say). */
  async heal(runtime: IntegrationRuntime, kind: RecordKindDefinition, item: NewItem, context: HealContext): Promise<string | undefined> {
    const now = this.clock.now();
    const key = item.record_id ? { organizationId: runtime.organizationId, kind: kind.name, recordId: item.record_id, integrationId: runtime.id } : undefined;
    const queues = { outbox: false, inbox: false };
    const note = await this.db.transaction(async (tx) => {
      const outbound = async (target: LinkKey) => {
        await requeue(tx, { organization_id: target.organizationId, integration_id: target.integrationId, record_kind: target.kind, record_id: target.recordId, job: 'record', journal_id: null, origin: 'hub', corrective: false }, now);
        queues.outbox = true;
      };
      const inbound = async (external: ExternalRecord) => {
        await queuePolledRecords(tx, { organizationId: runtime.organizationId, integrationId: runtime.id, versions: runtime.versionsFor(kind.name) }, [{ type: 'updated', record: { ...external, kind: kind.name, comments: undefined } }], now);
        queues.inbox = true;
      };
      const need = <T>(value: T | undefined, what: string): T => {
        if (value === undefined) throw new Error(`reconciliation ${item.action} of ${kind.label} ${item.record_id ?? item.external_id} needs ${what}`);
        return value;
      };
      const action: ItemAction = item.action;
      switch (action) {
        case 'update': {
          const target = need(key, 'a hub record');
          const link = need(await findLink(tx, target, true), 'its link');
          const mappings = runtime.mappingsFor(kind.name);
          const pulls = item.fields.some((f) => f.action === 'pull');
          const conflicts = item.fields.filter((f) => f.action === 'conflict');
          for (const f of conflicts) {
            const mapping = mappings.find((m) => m.field === f.field && m.externalField === f.external_field);
            const external = mapping ? toCanonicalValue(mapping, f.external, kind) : f.external;
            await insertConflict(tx, { ...target, kind: kind.name }, {
              field: f.field, externalField: f.external_field, platform: displayValue(context.record?.values[f.field] ?? null), external: displayValue(external ?? f.external),
              base: displayValue(f.base), strategy: runtime.strategy, winner: 'pending',
            }, now);
          }
          await saveLink(tx, target, {
            base: healingBase(link.base, item.fields, mappings),
            ...(pulls ? { last_synced_version: null } : {}),
            ...(conflicts.length > 0 ? { sync_status: 'conflict' } : {}),
          }, now);
          if (item.fields.some((f) => f.action === 'push')) await outbound(target);
          if (pulls) await inbound(need(context.external, 'the platform record'));
          return undefined;
        }
        case 'create':
          await outbound(need(key, 'a hub record'));
          return undefined;
        case 'recreate': {
          const target = need(key, 'a hub record');
          await updateLink(tx, target, { external_id: null, external_number: null, external_url: null, base: {}, last_synced_version: null, sync_status: 'pending', last_error: null }, now);
          await outbound(target);
          return undefined;
        }
        case 'unlink':
          await deleteLink(tx, need(key, 'a hub record'));
          return undefined;
        case 'relink': {
          const external = need(context.external, 'the platform record');
          await saveLink(tx, need(key, 'a hub record'), {
            external_id: external.id, external_table: external.table ?? null, external_number: external.number ?? null, external_url: external.url ?? null,
            base: mappedExternal(external.fields, runtime.mappingsFor(kind.name)), last_synced_version: external.version ?? null, sync_status: 'synced', last_error: null,
          }, now);
          return undefined;
        }
        case 'import':
          if (!takesInbound(runtime.directionFor(kind.name))) return `The integration does not take ${kind.label} records in (direction ${runtime.directionFor(kind.name)}).`;
          await inbound(need(context.external, 'the platform record'));
          return undefined;
        case 'none':
          return undefined;
      }
    });
    if (queues.outbox) this.signals.outbox.notify();
    if (queues.inbox) this.signals.inbox.notify();
    return note;
  }

  /** Bookkeeping a run does without healing: a linked record the platform no longer has shows as an error on its link. */
  async markMissing(key: LinkKey, message: string): Promise<void> {
    await updateLink(this.db, key, { sync_status: 'error', last_error: message }, this.clock.now());
  }
}
