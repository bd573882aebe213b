import { Foundation1764000000000 } from './1764000000000-Foundation';
import { IncidentSync1764100000000 } from './1764100000000-IncidentSync';

/** Every migration, oldest first. Migrations are never edited once released: add a new one. */
export const MIGRATIONS = [Foundation1764000000000, IncidentSync1764100000000];
