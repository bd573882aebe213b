export { createTestAdapterContext, MemoryLogger } from './createTestAdapterContext';
export { createTestDatabase, type TestDatabase } from './createTestDatabase';
export { MemoryPlatform, MEMORY_MAPPINGS, type PlannedFailure } from './MemoryPlatform';
