import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv-draft-04';

const ADF = 'adf';
let ajv: Ajv | undefined;

/**
 * Atlassian's published ADF schema (JSON Schema draft-04, @atlaskit/adf-schema), loaded on first use
 * and compiled once by ajv, which caches it: it is large and takes a few hundred milliseconds to
 * compile. Not strict, because strict mode objects to the schema's open-ended tuple `items`.
 */
function adfSchemas(): Ajv {
  ajv ??= new Ajv({ strict: false }).addSchema(require('@atlaskit/adf-schema/dist/json-schema/v1/full.json'), ADF);
  return ajv;
}

/** Why `doc` is not an ADF document Jira would accept (naming the node), or undefined when it is one. */
export function adfProblem(doc: unknown): string | undefined {
  const validate = adfSchemas().getSchema(ADF)!;
  return validate(doc) ? undefined : describe(doc, validate.errors ?? []);
}

/**
 * ajv reports a failure for every member of the schema's node unions (anyOf), most of them only
 * "not that node type". The useful part is the deepest node no member accepts, and then what is
 * wrong inside it, what its own definition refuses, or else that its type does not belong there.
 */
function describe(doc: unknown, errors: ErrorObject[]): string {
  const unmatched = errors.filter((e) => e.keyword === 'anyOf').reduce<ErrorObject | undefined>((deepest, e) => (!deepest || depth(e) > depth(deepest) ? e : deepest), undefined);
  if (!unmatched) return explain('', errors[0]);
  const path = unmatched.instancePath;
  const inside = errors.find((e) => e.instancePath.startsWith(`${path}/`) && !isTypeMismatch(e));
  if (inside) return explain('', inside);
  const node = valueAt(doc, path) as { type?: unknown } | undefined;
  const kind = /\/marks\/\d+$/.test(path) ? 'mark' : 'node';
  const own = typeof node?.type === 'string' ? definition(`${node.type}_${kind}`) : undefined;
  if (own && !own(node)) return explain(path, own.errors?.[0]);
  return `${where(path)}: a ${kind} of type ${JSON.stringify(node?.type)} is not allowed there`;
}

/** The schema's definition of one node or mark type (`text_node`, `link_mark`); undefined for a type it does not define. */
function definition(name: string): ValidateFunction | undefined {
  return adfSchemas().getSchema(`${ADF}#/definitions/${name}`);
}

function explain(base: string, error: ErrorObject | undefined): string {
  return `${where(base + (error?.instancePath ?? ''))} ${error?.message ?? 'is not valid'}`;
}

function depth(error: ErrorObject): number {
  return error.instancePath.split('/').length;
}

function isTypeMismatch(error: ErrorObject): boolean {
  return error.keyword === 'enum' && error.instancePath.endsWith('/type');
}

function segments(pointer: string): string[] {
  return pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** A JSON pointer as the path a person reads: `/content/0/text` is `content[0].text`. */
function where(pointer: string): string {
  if (pointer === '') return 'the document';
  return segments(pointer).map((s, i) => (/^\d+$/.test(s) ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

function valueAt(doc: unknown, pointer: string): unknown {
  return segments(pointer).reduce<unknown>((value, key) => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined), doc);
}
