import { Foundation1764000000000 } from './1764000000000-Foundation';
import { IncidentSync1764100000000 } from './1764100000000-IncidentSync';
import { RecordKinds1764200000000 } from './1764200000000-RecordKinds';
import { DependencyOrder1764300000000 } from './1764300000000-DependencyOrder';

/** Every migration, oldest first. Migrations are never edited once released: add a new one. */
export const MIGRATIONS = [Foundation1764000000000, IncidentSync1764100000000, RecordKinds1764200000000, DependencyOrder1764300000000];
