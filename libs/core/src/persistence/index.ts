export * from './entities';
export { MIGRATIONS } from './migrations';
export { createDataSource, databaseReady, migrate, openDatabase, type DatabaseOptions } from './createDataSource';
export { EMBEDDED_POOL_SIZE, startEmbeddedPostgres, type EmbeddedPostgresHandle } from './EmbeddedPostgres';
export { statementsSent } from './statementCount';
