import type { FieldMapping } from '../contracts/FieldMapping';
import { INCIDENT_FIELDS, INCIDENT_PRIORITIES, INCIDENT_STATUSES } from '../contracts/Incident';

const CANONICAL_VALUES: Record<string, readonly string[]> = { status: INCIDENT_STATUSES, priority: INCIDENT_PRIORITIES };

/**
 * What is wrong with an adapter's default incident mappings against the canonical vocabulary
 * (empty when nothing): unknown fields, status/priority value maps that miss or invent canonical
 * values, defaults a value map cannot produce. Adapters assert it in their tests.
 */
export function canonicalMappingProblems(mappings: readonly FieldMapping[]): string[] {
  const problems: string[] = [];
  for (const mapping of mappings) {
    const where = `${mapping.field} -> ${mapping.externalField}`;
    if (!(INCIDENT_FIELDS as readonly string[]).includes(mapping.field)) problems.push(`${where}: '${mapping.field}' is not a canonical incident field`);
    const canonical = CANONICAL_VALUES[mapping.field];
    if (canonical && mapping.valueMap) {
      const keys = Object.keys(mapping.valueMap);
      for (const value of canonical) if (!keys.includes(value)) problems.push(`${where}: value map lacks '${value}'`);
      for (const key of keys) if (!canonical.includes(key)) problems.push(`${where}: value map key '${key}' is not canonical`);
    }
    if (mapping.valueMap && mapping.default !== undefined && !Object.values(mapping.valueMap).includes(mapping.default)) {
      problems.push(`${where}: default '${mapping.default}' is not a value of its map`);
    }
  }
  for (const field of Object.keys(CANONICAL_VALUES)) {
    if (!mappings.some((m) => m.field === field && m.valueMap)) problems.push(`no value map for '${field}'`);
  }
  return problems;
}
