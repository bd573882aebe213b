export { createTestAdapterContext, MemoryLogger } from './createTestAdapterContext';
export { createTestDatabase, type TestDatabase } from './createTestDatabase';
export { MemoryPlatform, MEMORY_MAPPINGS, type PlannedFailure } from './MemoryPlatform';
export { describeAdapterConformance, type AdapterConformanceOptions, type ConformanceEmulator } from './conformance/describeAdapterConformance';
