import plugin from './index';

describe('Jira adapter plugin', () => {
  it('is a branded plugin with a valid manifest', () => {
    expect(plugin.$$type).toBe('@itsm-hub/Adapter');
    expect(plugin.manifest).toMatchObject({ type: 'jira', displayName: 'Jira Cloud', version: '0.1.0', coreRange: '^2.0.0' });
    expect(plugin.manifest.capabilities).toEqual({
      incident: { operations: { read: true, find: true, list: true, scan: true, create: true, update: true, comment: true, webhook: true }, versions: 'timestamp' },
    });
  });

  it('maps the canonical incident fields by default', () => {
    const mappings = plugin.manifest.defaultMappings.incident ?? [];
    expect(mappings.map((m) => `${m.field}->${m.externalField}`)).toEqual([
      'title->summary',
      'description->description',
      'status->status',
      'priority->priority',
      'assignee->assignee',
    ]);
    expect(mappings.find((m) => m.field === 'priority')?.valueMap).toEqual({ P1: 'Highest', P2: 'High', P3: 'Medium', P4: 'Low', P5: 'Lowest' });
  });
});
