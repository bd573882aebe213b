import { Foundation1764000000000 } from './1764000000000-Foundation';

/** Every migration, oldest first. Migrations are never edited once released: add a new one. */
export const MIGRATIONS = [Foundation1764000000000];
