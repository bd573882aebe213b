import { injectable } from 'tsyringe';
import type { RecordKind } from '../../contracts/RecordKind';
import { NotFoundError } from '../../errors/HubError';
import { INCIDENT_KIND } from './incident';
import type { RecordKindDefinition } from './RecordKindDefinition';

/** The kinds of record this hub keeps, by name. */
@injectable()
export class RecordKinds {
  private readonly byName = new Map<RecordKind, RecordKindDefinition>([[INCIDENT_KIND.name, INCIDENT_KIND]]);

  register(definition: RecordKindDefinition): void {
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

  get names(): RecordKind[] {
    return [...this.byName.keys()];
  }
}
