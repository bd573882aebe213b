import { randomUUID } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import type { DataSource, EntityManager } from 'typeorm';
import type { AdapterRegistry } from '../adapters/AdapterRegistry';
import type { Clock } from '../contracts/Clock';
import { sameValue, type FieldValue } from '../contracts/FieldValue';
import type { RecordKind } from '../contracts/RecordKind';
import { supports } from '../contracts/AdapterManifest';
import { TOKENS } from '../di/tokens';
import { ConflictError, NotFoundError } from '../errors/HubError';
import { combine, sql } from '../persistence/sql';
import { enqueueCorrective, enqueueFanOut, fanOutStatement, type FanOut } from '../sync/stores/OutboxStore';
import { SyncSignals } from '../sync/Wakeup';
import { pendingOfRecord, type PendingReference } from '../sync/stores/PendingReferenceStore';
import { insertTargets, type RecordTarget } from '../sync/stores/RecordTargetStore';
import type { HubRecord, JournalEntry } from './HubRecord';
import { RecordKinds } from './kinds/RecordKinds';
import { RecordChangeHooks } from './RecordChangeHooks';
import type { RecordKindDefinition } from './kinds/RecordKindDefinition';
import { insertJournalEntry, insertRecord, insertRecordStatement, journalOf, selectRecord, toRecord, updateRecord, updateRecordStatement } from './RecordStore';

export const HUB_ORIGIN = 'hub';

export interface ApplyOptions {
  /** `hub`, or the integration the change came from (it gets no echo). */
  origin: string;
  /** When the change happened on its side (defaults to now). */
  at?: Date;
  /** Fields the origin integration must get a corrective write for although it is the origin. */
  correctiveFields?: string[];
  /** A new record's own targets: it syncs to these integrations only (see `RecordTargetStore`). */
  targets?: RecordTarget[];
}

export interface JournalInput {
  body: string;
  author?: string | null;
  visibility: 'public' | 'internal';
}

/**
 * `records.apply` for every kind: a change is written together with its outbox jobs in one
 * transaction, so a crash never loses a change nor sends an uncommitted one. Jobs go to the
 * integrations whose adapter writes the kind and whose direction for the kind sends out.
 */
/** Optimistic API updates give up after this many concurrent changes in a row. */
const MAX_OPTIMISTIC_ATTEMPTS = 5;

@injectable()
export class RecordService {
  constructor(
    @inject(TOKENS.DataSource) private readonly db: DataSource,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.AdapterRegistry) private readonly registry: AdapterRegistry,
    @inject(SyncSignals) private readonly signals: SyncSignals,
    private readonly kinds: RecordKinds,
    @inject(RecordChangeHooks) private readonly hooks: RecordChangeHooks,
  ) {}

  definition(kind: RecordKind): RecordKindDefinition {
    return this.kinds.get(kind);
  }

  /**
   * An API create: the record and its outbox jobs in one statement (no transaction round trips),
   * so a change costs one round trip before it is queued.
   */
  async create(organizationId: string, kind: RecordKind, values: Record<string, FieldValue>, origin = HUB_ORIGIN): Promise<HubRecord> {
    const definition = this.definition(kind);
    const record = { id: randomUUID(), organizationId, origin, ...this.newValues(definition, values, { origin }) };
    const { text, params } = combine([
      ['rec', insertRecordStatement(definition, record)],
      ['fan', fanOutStatement(this.fan(record, kind, Object.keys(record.values), origin))],
    ], 'SELECT * FROM rec');
    const [row] = await sql(this.db, text, params);
    this.signals.outbox.notify();
    return toRecord(definition, row);
  }

  /** Creates a record inside the caller's transaction (inbound creates link it in the same one). */
  async createIn(tx: EntityManager, organizationId: string, kind: RecordKind, values: Record<string, FieldValue>, options: ApplyOptions): Promise<HubRecord> {
    const definition = this.definition(kind);
    const prepared = this.newValues(definition, values, options);
    const record = await insertRecord(tx, definition, { organizationId, origin: options.origin, ...prepared });
    if (options.targets) await insertTargets(tx, { organizationId, kind, recordId: record.id }, options.targets);
    await this.fanOut(tx, record, { type: 'record', fields: Object.keys(prepared.values) }, options.origin);
    return record;
  }

  /**
   * An API update: read, then write the changed fields with their outbox jobs in one statement
   * that applies only if nobody changed the record in between (else it reads again), so no row
   * lock or transaction is held across round trips.
   */
  async update(organizationId: string, kind: RecordKind, id: string, values: Record<string, FieldValue>, origin = HUB_ORIGIN): Promise<HubRecord> {
    const definition = this.definition(kind);
    for (let attempt = 1; ; attempt += 1) {
      const current = await this.get(organizationId, kind, id);
      const change = this.changeOf(definition, current, values, { origin });
      if (!change) return current;
      const { text, params } = combine([
        ['rec', updateRecordStatement(definition, current, change.values, change.fieldChanges, this.clock.now().toISOString(), true)],
        ['fan', fanOutStatement(this.fan(current, kind, change.fields, origin), 'EXISTS (SELECT 1 FROM rec)')],
      ], 'SELECT * FROM rec');
      const [row] = await sql(this.db, text, params);
      if (row) {
        this.signals.outbox.notify();
        const updated = toRecord(definition, row);
        await this.hooks.changed(this.db, current, updated, change.fields, origin);
        return updated;
      }
      if (attempt >= MAX_OPTIMISTIC_ATTEMPTS) throw new ConflictError(`The ${definition.label} ${id} kept changing while it was being updated; send the update again.`);
    }
  }

  /**
   * Writes the fields that differ, stamps when and from where each changed, and fans the change
   * out. The caller holds the row lock (`lock`).
   */
  async applyIn(tx: EntityManager, current: HubRecord, values: Record<string, FieldValue | undefined>, options: ApplyOptions): Promise<HubRecord> {
    const definition = this.definition(current.kind);
    const corrective = options.correctiveFields ?? [];
    const target = { organizationId: current.organization_id, kind: current.kind, recordId: current.id, integrationId: options.origin };
    const change = this.changeOf(definition, current, values, options);
    if (!change) {
      if (corrective.length > 0) await enqueueCorrective(tx, target, corrective, this.clock.now());
      return current;
    }
    const updated = await updateRecord(tx, definition, current, change.values, change.fieldChanges, this.clock.now().toISOString());
    await this.fanOut(tx, current, { type: 'record', fields: change.fields }, options.origin);
    if (corrective.length > 0 && options.origin !== HUB_ORIGIN) await enqueueCorrective(tx, target, corrective, this.clock.now());
    await this.hooks.changed(tx, current, updated, change.fields, options.origin);
    return updated;
  }

  /** A new record's values (known fields, defaults filled) and when and from where each was set. */
  private newValues(definition: RecordKindDefinition, values: Record<string, FieldValue>, options: ApplyOptions) {
    const at = (options.at ?? this.clock.now()).toISOString();
    const set = Object.fromEntries(Object.entries(values).filter(([field, value]) => field in definition.fields && value !== undefined));
    for (const [field, spec] of Object.entries(definition.fields)) if (set[field] === undefined && spec.default !== undefined) set[field] = spec.default;
    const changes = Object.fromEntries(Object.keys(set).map((field) => [field, { at, origin: options.origin }]));
    return { values: set, changes, at };
  }

  /** The fields `values` changes on `current`, with their new stamps; undefined when nothing changes. */
  private changeOf(definition: RecordKindDefinition, current: HubRecord, values: Record<string, FieldValue | undefined>, options: ApplyOptions) {
    const fields = Object.keys(values).filter((field) => field in definition.fields && values[field] !== undefined && !sameValue(values[field], current.values[field]));
    if (fields.length === 0) return undefined;
    const at = (options.at ?? this.clock.now()).toISOString();
    const fieldChanges = { ...current.field_changes };
    for (const field of fields) fieldChanges[field] = { at, origin: options.origin };
    return { fields, values: Object.fromEntries(fields.map((f) => [f, values[f] as FieldValue])), fieldChanges };
  }

  async addJournalEntry(organizationId: string, kind: RecordKind, recordId: string, input: JournalInput, origin = HUB_ORIGIN): Promise<JournalEntry> {
    const entry = await this.db.transaction(async (tx) => {
      await this.lock(tx, organizationId, kind, recordId);
      return this.addJournalEntryIn(tx, organizationId, kind, recordId, input, origin);
    });
    this.signals.outbox.notify();
    return entry;
  }

  async addJournalEntryIn(tx: EntityManager, organizationId: string, kind: RecordKind, recordId: string, input: JournalInput, origin: string, at?: Date): Promise<JournalEntry> {
    const entry = await insertJournalEntry(tx, {
      organizationId, kind, recordId, body: input.body, author: input.author ?? null, visibility: input.visibility, origin, at: (at ?? this.clock.now()).toISOString(),
    });
    await this.fanOut(tx, { kind, id: recordId, organization_id: organizationId }, { type: 'journal', entryId: entry.id }, origin);
    return entry;
  }

  /** Reads and row-locks a record for the rest of the transaction. */
  async lock(tx: EntityManager, organizationId: string, kind: RecordKind, id: string): Promise<HubRecord> {
    const record = await selectRecord(tx, this.definition(kind), organizationId, id, true);
    if (!record) throw new NotFoundError(capitalised(this.definition(kind).label), id);
    return record;
  }

  async get(organizationId: string, kind: RecordKind, id: string): Promise<HubRecord> {
    const record = await selectRecord(this.db, this.definition(kind), organizationId, id);
    if (!record) throw new NotFoundError(capitalised(this.definition(kind).label), id);
    return record;
  }

  async find(db: EntityManager | DataSource, organizationId: string, kind: RecordKind, id: string): Promise<HubRecord | undefined> {
    return selectRecord(db, this.definition(kind), organizationId, id);
  }

  /**
   * Reference fields of a record that wait for platform records the hub does not have yet, per
   * integration: the value is applied once they arrive.
   */
  async pendingReferences(organizationId: string, kind: RecordKind, id: string): Promise<PendingReference[]> {
    await this.get(organizationId, kind, id);
    return pendingOfRecord(this.db, kind, id);
  }

  journal(kind: RecordKind, recordId: string): Promise<JournalEntry[]> {
    return journalOf(this.db, kind, recordId);
  }

  /** Integration types whose adapters write records of the kind. */
  writerTypes(kind: RecordKind): string[] {
    return this.registry.loaded.filter((a) => supports(a.plugin.manifest, kind, 'create') || supports(a.plugin.manifest, kind, 'update')).map((a) => a.type);
  }

  private async fanOut(tx: EntityManager, record: Pick<HubRecord, 'kind' | 'id' | 'organization_id'>, job: { type: 'record'; fields: string[] } | { type: 'journal'; entryId: string }, origin: string): Promise<void> {
    await enqueueFanOut(tx, { organizationId: record.organization_id, kind: record.kind, recordId: record.id, job, origin, types: this.writerTypes(record.kind), at: this.clock.now() });
  }

  private fan(record: { id: string; organizationId?: string; organization_id?: string }, kind: RecordKind, fields: string[], origin: string): FanOut {
    return { organizationId: (record.organizationId ?? record.organization_id) as string, kind, recordId: record.id, job: { type: 'record', fields }, origin, types: this.writerTypes(kind), at: this.clock.now() };
  }
}

const capitalised = (label: string) => label.charAt(0).toUpperCase() + label.slice(1);
