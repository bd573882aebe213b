export { createTestAdapterContext, MemoryLogger } from './createTestAdapterContext';
export { createTestDatabase, type TestDatabase } from './createTestDatabase';
