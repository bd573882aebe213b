import type { Adapter } from './Adapter';
import type { AdapterContext } from './AdapterContext';
import type { AdapterManifest } from './AdapterManifest';

/** Brand stamped by `defineAdapter`; the host checks it instead of `instanceof`. */
export const ADAPTER_BRAND = '@itsm-hub/Adapter' as const;

/** The version of the adapter SPI this core implements; manifests declare a semver range of it. */
export const ADAPTER_SPI_VERSION = '2.0.0';

export type AdapterFactory = (context: AdapterContext<any, any>) => Adapter;

export interface AdapterPlugin {
  $$type: typeof ADAPTER_BRAND;
  manifest: AdapterManifest;
  create: AdapterFactory;
}
