import { InvalidArgumentError, Option } from 'commander';
import { parseBoolean } from './options';

/** What `GET /api/v1/adapters` says of one adapter, as far as the CLI needs it. */
export interface AdapterDescription {
  type: string;
  aliases: string[];
  display_name: string;
  credential_schema: ObjectSchema;
  settings_schema: ObjectSchema;
  required_to_write: string[];
}

interface PropertySchema {
  type?: string;
  anyOf?: PropertySchema[];
  description?: string;
  writeOnly?: boolean;
  default?: unknown;
  enum?: unknown[];
}
interface ObjectSchema {
  properties?: Record<string, PropertySchema>;
  required?: string[];
}

/** One flag built from a schema property: where its value goes in the request body. */
export interface AdapterFlag {
  option: Option;
  attribute: string;
  target: 'credentials' | 'settings';
  key: string;
}

/**
 * Flags for an adapter's credentials and settings, named after the schema's properties in kebab case (so seed 000's
 * `--username`, `--api-key`, `--token` come from the adapters' own schemas). A property whose flag the command
 * already has, or that credentials already took, is left to `--setting key=value`.
 */
export function adapterFlags(adapter: AdapterDescription, taken: Set<string>): AdapterFlag[] {
  const flags: AdapterFlag[] = [];
  const used = new Set(taken);
  const add = (target: AdapterFlag['target'], schema: ObjectSchema, requiredWhy: (key: string) => string | undefined) => {
    for (const [key, property] of Object.entries(schema.properties ?? {})) {
      const long = `--${key.replace(/_/g, '-')}`;
      if (used.has(long)) continue;
      used.add(long);
      const option = new Option(`${long} <${valueName(property)}>`, describe(adapter, target, key, property, requiredWhy(key))).argParser(parserFor(property));
      flags.push({ option, attribute: option.attributeName(), target, key });
    }
  };
  const requiredCredentials = new Set(adapter.credential_schema.required ?? []);
  add('credentials', adapter.credential_schema, (key) => (requiredCredentials.has(key) ? 'required' : undefined));
  add('settings', adapter.settings_schema, (key) => (adapter.required_to_write.includes(key) ? 'required to write' : undefined));
  return flags;
}

/** The request body's `credentials` and `settings` from parsed flags; `--setting` pairs are coerced by the schema too. */
export function collectAdapterValues(
  flags: AdapterFlag[],
  opts: Record<string, unknown>,
  settingPairs: Record<string, string> | undefined,
  adapter: AdapterDescription | undefined,
): { credentials?: Record<string, unknown>; settings?: Record<string, unknown> } {
  const settings: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(settingPairs ?? {})) {
    const property = adapter?.settings_schema.properties?.[key];
    settings[key] = property ? parserFor(property)(raw) : raw;
  }
  const credentials: Record<string, unknown> = {};
  for (const flag of flags) {
    const value = opts[flag.attribute];
    if (value !== undefined) (flag.target === 'credentials' ? credentials : settings)[flag.key] = value;
  }
  return {
    credentials: Object.keys(credentials).length > 0 ? credentials : undefined,
    settings: Object.keys(settings).length > 0 ? settings : undefined,
  };
}

/** The adapter a `--type` value names, by type or alias. */
export function adapterOfType(adapters: AdapterDescription[], type: string): AdapterDescription | undefined {
  return adapters.find((a) => a.type === type || a.aliases.includes(type));
}

function describe(adapter: AdapterDescription, target: AdapterFlag['target'], key: string, property: PropertySchema, required?: string): string {
  const notes = [
    property.writeOnly ? 'secret' : undefined,
    required,
    property.default !== undefined ? `default ${JSON.stringify(property.default)}` : undefined,
    property.enum ? `one of ${property.enum.join(', ')}` : undefined,
  ].filter(Boolean);
  const what = property.description ?? `${adapter.display_name} ${target === 'credentials' ? 'credential' : 'setting'} ${key}`;
  return notes.length > 0 ? `${what} (${notes.join('; ')})` : what;
}

function typesOf(property: PropertySchema): string[] {
  return property.anyOf ? property.anyOf.flatMap(typesOf) : property.type ? [property.type] : [];
}

function valueName(property: PropertySchema): string {
  const types = typesOf(property);
  if (types.includes('string')) return 'value';
  if (types.includes('object') || types.includes('array')) return 'json';
  if (types.includes('integer') || types.includes('number')) return 'n';
  if (types.includes('boolean')) return 'bool';
  return 'value';
}

/** Flags are text; the schema says what the hub expects, so numbers, booleans and JSON values are sent as such. */
function parserFor(property: PropertySchema): (value: string) => unknown {
  const types = typesOf(property);
  if (types.includes('string') || types.length === 0) return (value) => value;
  if (types.includes('object') || types.includes('array')) {
    return (value) => {
      try {
        return JSON.parse(value);
      } catch {
        throw new InvalidArgumentError('expected JSON');
      }
    };
  }
  if (types.includes('integer') || types.includes('number')) {
    return (value) => {
      const n = Number(value);
      if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError('expected a number');
      return n;
    };
  }
  if (types.includes('boolean')) return parseBoolean;
  return (value) => value;
}
