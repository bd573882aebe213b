import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import semver from 'semver';
import { ADAPTER_BRAND, ADAPTER_SPI_VERSION, type AdapterPlugin } from '../contracts/AdapterPlugin';
import type { Logger } from '../contracts/Logger';
import { UnknownAdapterTypeError } from '../errors/HubError';
import { manifestProblems } from './defineAdapter';

export interface LoadedAdapter {
  type: string;
  aliases: string[];
  displayName: string;
  package: string;
  version: string;
  coreRange: string;
  capabilities: AdapterPlugin['manifest']['capabilities'];
  plugin: AdapterPlugin;
}

export interface RefusedAdapter {
  package: string;
  reason: string;
}

export interface DiscoveryOptions {
  /** package.json files whose declared dependencies are scanned for adapter packages. */
  hostPackageJsons: string[];
  /** Extra module paths or package names (HUB_ADAPTERS). */
  extraModules?: string[];
  logger: Logger;
}

/** The adapters the hub found at startup, by type and alias. */
export class AdapterRegistry {
  private readonly byType = new Map<string, LoadedAdapter>();
  readonly refused: RefusedAdapter[] = [];

  get loaded(): LoadedAdapter[] {
    return [...new Set(this.byType.values())].sort((a, b) => a.type.localeCompare(b.type));
  }

  get types(): string[] {
    return this.loaded.map((a) => a.type);
  }

  find(type: string): LoadedAdapter | undefined {
    return this.byType.get(type.toLowerCase());
  }

  /** The adapter for a type or alias; throws a 400 naming the loaded types otherwise. */
  resolve(type: string): LoadedAdapter {
    const adapter = this.find(type);
    if (!adapter) throw new UnknownAdapterTypeError(type, this.types);
    return adapter;
  }

  /** Registers a plugin object after the same checks discovery makes. Returns the refusal reason, if any. */
  register(candidate: unknown, packageName: string, logger?: Logger): string | undefined {
    const reason = refusalReason(candidate) ?? this.duplicateReason(candidate as AdapterPlugin);
    if (reason) {
      this.refused.push({ package: packageName, reason });
      logger?.warn({ package: packageName, reason }, `adapter ${packageName} refused: ${reason}`);
      return reason;
    }
    const plugin = candidate as AdapterPlugin;
    const entry: LoadedAdapter = {
      type: plugin.manifest.type,
      aliases: plugin.manifest.aliases ?? [],
      displayName: plugin.manifest.displayName,
      package: packageName,
      version: plugin.manifest.version,
      coreRange: plugin.manifest.coreRange,
      capabilities: plugin.manifest.capabilities,
      plugin,
    };
    for (const name of [entry.type, ...entry.aliases]) this.byType.set(name, entry);
    logger?.info({ package: packageName, type: entry.type, version: entry.version }, `adapter ${entry.type} loaded from ${packageName}@${entry.version}`);
    return undefined;
  }

  private duplicateReason(plugin: AdapterPlugin): string | undefined {
    for (const name of [plugin.manifest.type, ...(plugin.manifest.aliases ?? [])]) {
      const existing = this.byType.get(name);
      if (existing) return `type '${name}' is already provided by ${existing.package}`;
    }
    return undefined;
  }

  /** Finds, loads and checks every declared adapter. Never throws: a bad adapter is refused and logged. */
  static discover(options: DiscoveryOptions): AdapterRegistry {
    const registry = new AdapterRegistry();
    const seen = new Set<string>();
    for (const hostFile of options.hostPackageJsons) {
      const host = readJson(hostFile);
      if (!host) continue;
      // Resolve from the host package's folder so that packages installed next to it are found.
      const hostRequire = createRequire(hostFile);
      const names = Object.keys({ ...(host.dependencies ?? {}), ...(host.optionalDependencies ?? {}) });
      for (const name of names) {
        if (seen.has(name)) continue;
        const manifestFile = safeResolve(hostRequire, `${name}/package.json`);
        const pkg = manifestFile ? readJson(manifestFile) : undefined;
        if ((pkg?.itsmHub as { role?: string } | undefined)?.role !== 'adapter') continue;
        seen.add(name);
        registry.load(name, () => hostRequire(name), options.logger);
      }
    }
    const cwdRequire = createRequire(path.join(process.cwd(), 'package.json'));
    for (const modulePath of options.extraModules ?? []) {
      const specifier = path.isAbsolute(modulePath) || modulePath.startsWith('.') ? path.resolve(modulePath) : modulePath;
      if (seen.has(specifier)) continue;
      seen.add(specifier);
      registry.load(specifier, () => cwdRequire(specifier), options.logger);
    }
    return registry;
  }

  private load(name: string, importModule: () => unknown, logger: Logger): void {
    let exported: unknown;
    try {
      exported = importModule();
    } catch (err) {
      const reason = `cannot be loaded: ${(err as Error).message.split('\n')[0]}`;
      this.refused.push({ package: name, reason });
      logger.warn({ package: name, reason }, `adapter ${name} refused: ${reason}`);
      return;
    }
    const candidate = (exported as { default?: unknown })?.default ?? exported;
    this.register(candidate, name, logger);
  }
}

function refusalReason(candidate: unknown): string | undefined {
  const plugin = candidate as Partial<AdapterPlugin> | undefined;
  if (!plugin || plugin.$$type !== ADAPTER_BRAND) return `its default export is not an adapter (missing $$type '${ADAPTER_BRAND}'; use defineAdapter())`;
  // The SPI range first: an adapter written for another SPI major has another manifest shape too.
  const range = plugin.manifest?.coreRange;
  if (typeof range === 'string' && semver.validRange(range) && !semver.satisfies(ADAPTER_SPI_VERSION, range)) {
    return `it requires adapter SPI ${range}, this hub provides ${ADAPTER_SPI_VERSION}`;
  }
  const problems = manifestProblems(plugin.manifest);
  if (typeof plugin.create !== 'function') problems.push('create must be a function');
  if (problems.length > 0) return `invalid manifest: ${problems.join('; ')}`;
  return undefined;
}

function readJson(file: string): Record<string, any> | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, any>;
  } catch {
    return undefined;
  }
}

function safeResolve(req: NodeJS.Require, specifier: string): string | undefined {
  try {
    return req.resolve(specifier);
  } catch {
    return undefined;
  }
}
