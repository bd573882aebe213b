export * from './entities';
export { MIGRATIONS } from './migrations';
export { createDataSource, databaseReady, migrate, openDatabase, type DatabaseOptions } from './createDataSource';
export { startEmbeddedPostgres, type EmbeddedPostgresHandle } from './EmbeddedPostgres';
