import { adapterFlags, adapterOfType, collectAdapterValues, type AdapterDescription } from './adapterFlags';

const adapter: AdapterDescription = {
  type: 'acme',
  aliases: ['acme-cloud'],
  display_name: 'Acme',
  credential_schema: { properties: { api_key: { type: 'string', writeOnly: true }, base_url: { type: 'string' } }, required: ['api_key'] },
  settings_schema: {
    properties: {
      queue_id: { type: 'integer', description: 'Queue new tickets go to' },
      api_key: { type: 'string' },
      state_map: { type: 'object' },
      strict: { type: 'boolean' },
      tags: { anyOf: [{ type: 'array' }, { type: 'string' }] },
    },
  },
  required_to_write: ['queue_id'],
};

describe('adapter flags from JSON Schema', () => {
  const flags = adapterFlags(adapter, new Set(['--base-url']));
  const byFlag = (long: string) => flags.find((f) => f.option.long === long);

  it('names flags in kebab case, leaving out those the command or the credentials already took', () => {
    expect(flags.map((f) => `${f.target}:${f.option.long}`)).toEqual([
      'credentials:--api-key', 'settings:--queue-id', 'settings:--state-map', 'settings:--strict', 'settings:--tags',
    ]);
    expect(byFlag('--api-key')!.option.description).toBe('Acme credential api_key (secret; required)');
    expect(byFlag('--queue-id')!.option.description).toBe('Queue new tickets go to (required to write)');
  });

  it('sends numbers, booleans and JSON as the schema types them, and refuses text that is none', () => {
    expect(byFlag('--queue-id')!.option.parseArg!('12', undefined)).toBe(12);
    expect(() => byFlag('--queue-id')!.option.parseArg!('twelve', undefined)).toThrow('expected a number');
    expect(byFlag('--state-map')!.option.parseArg!('{"new":1}', undefined)).toEqual({ new: 1 });
    expect(() => byFlag('--state-map')!.option.parseArg!('{new', undefined)).toThrow('expected JSON');
    expect(byFlag('--strict')!.option.parseArg!('false', undefined)).toBe(false);
    expect(byFlag('--tags')!.option.parseArg!('a,b', undefined)).toBe('a,b');
  });

  it('splits parsed flags into credentials and settings, coercing --setting pairs by the schema', () => {
    const values = collectAdapterValues(flags, { apiKey: 'k', queueId: 3 }, { strict: 'true', other: 'x' }, adapter);
    expect(values).toEqual({ credentials: { api_key: 'k' }, settings: { strict: true, other: 'x', queue_id: 3 } });
    expect(collectAdapterValues(flags, {}, undefined, adapter)).toEqual({ credentials: undefined, settings: undefined });
  });

  it('finds an adapter by type or alias', () => {
    expect(adapterOfType([adapter], 'acme-cloud')).toBe(adapter);
    expect(adapterOfType([adapter], 'other')).toBeUndefined();
  });
});
