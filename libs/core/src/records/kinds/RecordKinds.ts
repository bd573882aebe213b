import { injectable } from 'tsyringe';
import type { RecordKind } from '../../contracts/RecordKind';
import { NotFoundError } from '../../errors/HubError';
import { INCIDENT_KIND } from './incident';
import { referencedKind, type RecordKindDefinition } from './RecordKindDefinition';

const KIND_NAME = /^[a-z][a-z0-9_]*$/;

/** The kinds of record this hub keeps, by name. */
@injectable()
export class RecordKinds {
  private readonly byName = new Map<RecordKind, RecordKindDefinition>([[INCIDENT_KIND.name, INCIDENT_KIND]]);

  register(definition: RecordKindDefinition): void {
    // Kind names are part of keys such as a waiting job's `kind/id` references.
    if (!KIND_NAME.test(definition.name)) throw new Error(`Record kind name "${definition.name}" must be lowercase letters, digits and underscores, starting with a letter.`);
    this.byName.set(definition.name, definition);
  }

  find(name: RecordKind): RecordKindDefinition | undefined {
    return this.byName.get(name);
  }

  get(name: RecordKind): RecordKindDefinition {
    const kind = this.byName.get(name);
    if (!kind) throw new NotFoundError('Record kind', name);
    return kind;
  }

  /** True when some kind has a field that refers to records of `name`. */
  isReferenced(name: RecordKind): boolean {
    return [...this.byName.values()].some((kind) => Object.values(kind.fields).some((field) => referencedKind(field) === name));
  }

  get definitions(): RecordKindDefinition[] {
    return [...this.byName.values()];
  }

  get names(): RecordKind[] {
    return [...this.byName.keys()];
  }
}
