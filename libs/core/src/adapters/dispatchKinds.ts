import type { Adapter } from '../contracts/Adapter';
import type { ExternalRecord, FindQuery, ListQuery, RecordPage } from '../contracts/ExternalRecord';
import type { FieldMapping } from '../contracts/FieldMapping';
import type { RecordKind } from '../contracts/RecordKind';
import type { WriteOperation, WriteResult } from '../contracts/WriteOperation';
import { UnsupportedKindError } from '../errors/HubError';

/** What an adapter does for one kind of record: the members it implements for it. */
export interface KindHandlers {
  read?(id: string): Promise<ExternalRecord | undefined>;
  find?(query: FindQuery): Promise<ExternalRecord | undefined>;
  list?(query: ListQuery): Promise<RecordPage>;
  /** Operations on records of this kind, in order (a run of one `write` call); one result each. */
  write?(operations: WriteOperation[]): Promise<WriteResult[]>;
  /** This integration's default mappings of the kind (its settings may change them). */
  defaultMappings?(): FieldMapping[] | undefined;
}

/** The adapter members the kinds answer. */
export type KindDispatch = Required<Pick<Adapter, 'read' | 'find' | 'list' | 'write' | 'defaultMappings'>>;

/**
 * An adapter's `read`, `find`, `list`, `write` and `defaultMappings` from what it declares per kind
 * (`{ incident: { read, find, list, write } }`), so no adapter tests kinds itself and all answer
 * alike: a read, find or list about a kind (or an operation) it does not implement throws
 * `UnsupportedKindError`, a write of one fails that operation as a configuration problem, and
 * `defaultMappings` of an unknown kind is undefined. The host calls only what the manifest
 * declares, so these are the answers to a mistake, never silence.
 */
export function dispatchKinds(platform: string, kinds: Readonly<Record<RecordKind, KindHandlers>>): KindDispatch {
  const handler = <K extends keyof KindHandlers>(kind: RecordKind, member: K, operation: string): NonNullable<KindHandlers[K]> => {
    const found = Object.hasOwn(kinds, kind) ? kinds[kind][member] : undefined;
    if (!found) throw new UnsupportedKindError(platform, kind, operation);
    return found as NonNullable<KindHandlers[K]>;
  };
  return {
    read: async (kind, id) => handler(kind, 'read', 'read')(id),
    find: async (query) => handler(query.kind, 'find', 'look up')(query),
    list: async (query) => handler(query.kind, 'list', 'list')(query),
    write: async (operations) => {
      const results: WriteResult[] = [];
      // Consecutive operations of one kind go to that kind's writer together; order is kept.
      for (let start = 0; start < operations.length;) {
        const kind = operations[start].kind;
        let end = start + 1;
        while (end < operations.length && operations[end].kind === kind) end += 1;
        const run = operations.slice(start, end);
        const write = Object.hasOwn(kinds, kind) ? kinds[kind].write : undefined;
        if (write) results.push(...(await write(run)));
        else results.push(...run.map((): WriteResult => refused(new UnsupportedKindError(platform, kind, 'write').message)));
        start = end;
      }
      return results;
    },
    defaultMappings: (kind) => (Object.hasOwn(kinds, kind) ? kinds[kind].defaultMappings?.() : undefined),
  };
}

/**
 * A kind's `write` for platforms without batches: each operation in order, one at a time, since a
 * later one may depend on an earlier one (a comment on a record created in the same call).
 */
export function writeEach(writeOne: (operation: WriteOperation) => Promise<WriteResult>): (operations: WriteOperation[]) => Promise<WriteResult[]> {
  return async (operations) => {
    const results: WriteResult[] = [];
    for (const op of operations) results.push(await writeOne(op));
    return results;
  };
}

function refused(message: string): WriteResult {
  return { ok: false, error: { action: 'fail', kind: 'config', message }, vendorMessage: message };
}
