import semver from 'semver';
import { ADAPTER_BRAND, type AdapterFactory, type AdapterPlugin } from '../contracts/AdapterPlugin';
import { OPERATIONS, type AdapterManifest } from '../contracts/AdapterManifest';
import { VERSION_ORDERS } from '../contracts/RecordKind';

const TYPE_PATTERN = /^[a-z][a-z0-9-]{1,40}$/;

/**
 * Declares an adapter plugin. Validates the manifest eagerly so that a broken package fails at
 * load time with a precise message instead of at the first sync.
 */
export function defineAdapter(definition: { manifest: AdapterManifest; create: AdapterFactory }): AdapterPlugin {
  const problems = manifestProblems(definition.manifest);
  if (typeof definition.create !== 'function') problems.push('create must be a function');
  if (problems.length > 0) {
    throw new TypeError(`Invalid adapter '${String(definition.manifest?.type)}': ${problems.join('; ')}`);
  }
  return Object.freeze({ $$type: ADAPTER_BRAND, manifest: Object.freeze({ ...definition.manifest }), create: definition.create });
}

/** Lists what is wrong with a manifest (empty when it is valid). Used for foreign plugins too. */
export function manifestProblems(manifest: AdapterManifest | undefined): string[] {
  if (!manifest || typeof manifest !== 'object') return ['manifest is missing'];
  const problems: string[] = [];
  if (typeof manifest.type !== 'string' || !TYPE_PATTERN.test(manifest.type)) {
    problems.push(`type '${String(manifest.type)}' must match ${TYPE_PATTERN}`);
  }
  for (const alias of manifest.aliases ?? []) {
    if (!TYPE_PATTERN.test(alias)) problems.push(`alias '${alias}' must match ${TYPE_PATTERN}`);
  }
  if (typeof manifest.displayName !== 'string' || manifest.displayName.length === 0) problems.push('displayName is required');
  if (typeof manifest.version !== 'string' || !semver.valid(manifest.version)) {
    problems.push(`version '${String(manifest.version)}' is not a semver version`);
  }
  if (typeof manifest.coreRange !== 'string' || !semver.validRange(manifest.coreRange)) {
    problems.push(`coreRange '${String(manifest.coreRange)}' is not a semver range`);
  }
  for (const key of ['credentialSchema', 'settingsSchema'] as const) {
    if (typeof manifest[key]?.safeParse !== 'function') problems.push(`${key} must be a schema with safeParse()`);
  }
  if (!manifest.capabilities || typeof manifest.capabilities !== 'object') problems.push('capabilities is required');
  else problems.push(...capabilityProblems(manifest.capabilities));
  if (manifest.requiredToWrite !== undefined && (!Array.isArray(manifest.requiredToWrite) || manifest.requiredToWrite.some((key) => typeof key !== 'string'))) {
    problems.push('requiredToWrite must be a list of settings keys');
  }
  const defaults = manifest.newIntegrationSettings;
  if (defaults !== undefined && (typeof defaults !== 'object' || defaults === null || Array.isArray(defaults))) {
    problems.push('newIntegrationSettings must be an object of settings');
  }
  if (manifest.setupSteps !== undefined && typeof manifest.setupSteps !== 'string') problems.push('setupSteps must be markdown text');
  return problems;
}

function capabilityProblems(capabilities: AdapterManifest['capabilities']): string[] {
  const problems: string[] = [];
  for (const [kind, declared] of Object.entries(capabilities)) {
    if (!declared || typeof declared.operations !== 'object' || Array.isArray(declared.operations)) {
      problems.push(`capabilities.${kind}.operations must be an object of operations (SPI 2: { operations: { read: true, ... } })`);
      continue;
    }
    for (const operation of Object.keys(declared.operations)) {
      if (!(OPERATIONS as readonly string[]).includes(operation)) problems.push(`capabilities.${kind}.operations.${operation} is not an operation (${OPERATIONS.join(', ')})`);
    }
    if (declared.versions !== undefined && !(VERSION_ORDERS as readonly string[]).includes(declared.versions)) {
      problems.push(`capabilities.${kind}.versions must be one of ${VERSION_ORDERS.join(', ')}`);
    }
  }
  return problems;
}
