export { createTestAdapterContext, MemoryLogger } from './createTestAdapterContext';
export { createTestDatabase, type TestDatabase } from './createTestDatabase';
export { MemoryPlatform, MEMORY_MAPPINGS, type PlannedFailure } from './MemoryPlatform';
export { describeAdapterConformance, type AdapterConformanceOptions, type ConformanceEmulator } from './conformance/describeAdapterConformance';
export { MEMORY_DELIVERY_HEADER, MEMORY_WEBHOOK_HEADER, type MemoryKind } from './MemoryPlatform';
export { TEST_APP_KIND, TEST_CHAIN_MEMORY_KINDS, TEST_CI_KIND, TEST_CI_MAPPINGS, TEST_CI_MEMORY_KIND, TEST_REL_KIND, TEST_SERVER_KIND } from './testKinds';
