import type { FieldMapping } from '../contracts/FieldMapping';
import type { RecordKindDefinition } from '../records/kinds/RecordKindDefinition';
import type { MemoryKind } from './MemoryPlatform';

/**
 * A minimal configuration item, for proving the engine is generic: a reference to another item,
 * a list of tags, no table of its own and no journal. The real CMDB kinds come with their issue.
 */
export const TEST_CI_KIND: RecordKindDefinition = {
  name: 'test_ci',
  label: 'configuration item',
  display: 'name',
  journal: false,
  identity: { correlationId: true, number: false, name: 'name' },
  createFilterFields: ['environment'],
  fields: {
    name: { type: 'text', max: 200, required: true },
    environment: { type: 'enum', values: ['production', 'test'] },
    depends_on: { type: 'reference', kind: 'test_ci' },
    tags: { type: 'list', of: { type: 'text' } },
    owner: { type: 'person' },
  },
};

export const TEST_CI_MAPPINGS: FieldMapping[] = [
  { field: 'name', externalField: 'label', direction: 'bidirectional' },
  { field: 'environment', externalField: 'env', direction: 'bidirectional', valueMap: { production: 'prod', test: 'test' } },
  { field: 'depends_on', externalField: 'parent', direction: 'bidirectional' },
  { field: 'tags', externalField: 'tags', direction: 'bidirectional' },
  { field: 'owner', externalField: 'owned_by', direction: 'bidirectional' },
];

/** The memory platform takes items in batches: five creates per call at the cost of one, five updates per call at one each. */
export const TEST_CI_MEMORY_KIND: MemoryKind = {
  capabilities: { operations: { read: true, find: true, list: true, create: { batchSize: 5, batchCost: 1 }, update: { batchSize: 5 }, webhook: true }, versions: 'counter' },
  mappings: TEST_CI_MAPPINGS,
};

const CHAIN_CAPABILITIES: MemoryKind['capabilities'] = { operations: { read: true, find: true, create: true, update: true, webhook: true }, versions: 'counter' };

/**
 * Three kinds that refer along a chain, as CMDB records do: a relationship refers to a server and
 * an application, a server to the application it runs. Each end must be on the platform before a
 * record that refers to it is written.
 */
export const TEST_APP_KIND: RecordKindDefinition = {
  name: 'test_app', label: 'application', display: 'name', journal: false, identity: { correlationId: true, number: false }, createFilterFields: [],
  fields: { name: { type: 'text', max: 200, required: true } },
};
export const TEST_SERVER_KIND: RecordKindDefinition = {
  name: 'test_server', label: 'server', display: 'name', journal: false, identity: { correlationId: true, number: false }, createFilterFields: [],
  fields: { name: { type: 'text', max: 200, required: true }, runs: { type: 'reference', kind: 'test_app' } },
};
export const TEST_REL_KIND: RecordKindDefinition = {
  name: 'test_rel', label: 'relationship', display: 'name', journal: false, identity: { correlationId: true, number: false }, createFilterFields: [],
  fields: { name: { type: 'text', max: 200, required: true }, parent: { type: 'reference', kind: 'test_server' }, child: { type: 'reference', kind: 'test_app' } },
};

export const TEST_CHAIN_MEMORY_KINDS: Record<string, MemoryKind> = {
  test_app: { capabilities: CHAIN_CAPABILITIES, mappings: [{ field: 'name', externalField: 'label', direction: 'bidirectional' }] },
  test_server: {
    capabilities: CHAIN_CAPABILITIES,
    mappings: [{ field: 'name', externalField: 'label', direction: 'bidirectional' }, { field: 'runs', externalField: 'app', direction: 'bidirectional' }],
  },
  test_rel: {
    capabilities: CHAIN_CAPABILITIES,
    mappings: [
      { field: 'name', externalField: 'label', direction: 'bidirectional' },
      { field: 'parent', externalField: 'parent', direction: 'bidirectional' },
      { field: 'child', externalField: 'child', direction: 'bidirectional' },
    ],
  },
};
