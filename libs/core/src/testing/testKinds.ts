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

export const TEST_CI_MEMORY_KIND: MemoryKind = {
  capabilities: { operations: { read: true, find: true, list: true, create: true, update: true, webhook: true }, versions: 'counter' },
  mappings: TEST_CI_MAPPINGS,
};
