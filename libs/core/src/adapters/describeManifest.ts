import { z } from 'zod';
import type { AdapterManifest, Schema } from '../contracts/AdapterManifest';

/** A JSON Schema document (draft 2020-12). */
export type JsonSchema = Record<string, unknown>;

/**
 * What an adapter's manifest says about configuring it, for forms built without knowing the
 * platform (the CLI's flags, the console's pages): its credential and settings schemas as JSON
 * Schema (secret fields are `writeOnly`), the settings a writing integration needs, those a new
 * one starts with, and the setup steps on the platform's side.
 */
export interface ManifestDescription {
  credentialSchema: JsonSchema;
  settingsSchema: JsonSchema;
  requiredToWrite: string[];
  /** Settings a new integration starts with unless its creator sets them (stricter than the schema's defaults, which older integrations keep). */
  newIntegrationSettings: Record<string, unknown>;
  setupSteps: string | null;
}

export function describeManifest(manifest: AdapterManifest): ManifestDescription {
  return {
    credentialSchema: jsonSchemaOf(manifest.credentialSchema),
    settingsSchema: jsonSchemaOf(manifest.settingsSchema),
    requiredToWrite: manifest.requiredToWrite ?? [],
    newIntegrationSettings: manifest.newIntegrationSettings ?? {},
    setupSteps: manifest.setupSteps ?? null,
  };
}

/**
 * The JSON Schema of what a manifest schema accepts as input. Zod schemas (the ones adapters build
 * with core's `z`) describe themselves; any other schema is described as an object of unknown shape.
 */
export function jsonSchemaOf(schema: Schema): JsonSchema {
  if (schema instanceof z.ZodType) return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return { type: 'object', description: 'This adapter does not describe its schema.' };
}
