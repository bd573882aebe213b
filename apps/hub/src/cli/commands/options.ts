import { InvalidArgumentError, Option } from 'commander';

export const formatOption = () => new Option('--format <format>', 'Output format').choices(['table', 'json']).default('table');
export const orgOption = () => new Option('--org <organization>', 'Organization id or name (instance admin only)');

export const parseBoolean = (value: string) => {
  if (value !== 'true' && value !== 'false') throw new InvalidArgumentError('expected true or false');
  return value === 'true';
};

export const parseInteger = (value: string) => {
  if (!/^-?\d+$/.test(value)) throw new InvalidArgumentError('expected an integer');
  return Number(value);
};

/** Paging of the API's `{items,total}` lists; unset flags leave the API's defaults. */
export const limitOption = () => new Option('--limit <n>', 'Maximum entries to show').argParser(parseInteger);
export const offsetOption = () => new Option('--offset <n>', 'Entries to skip').argParser(parseInteger);
export const pageQuery = (opts: { limit?: number; offset?: number }) => ({ limit: opts.limit?.toString(), offset: opts.offset?.toString() });

/** Request bodies leave out unset flags so the API keeps (or defaults) those fields. */
export const definedOnly = (fields: Record<string, unknown>) => Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));

/** `--kind`: the record kind a mappings or ownership command is about (the hub defaults to incidents). */
export const kindOption = () => new Option('--kind <kind>', 'Record kind (default: incident)');
