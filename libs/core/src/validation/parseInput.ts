import type { Schema } from '../contracts/AdapterManifest';
import { ValidationError, type FieldError } from '../errors/HubError';

type Issue = { path: ReadonlyArray<PropertyKey>; message: string; code?: string; keys?: string[] };

/** Turns schema issues into field errors with dotted paths (`credentials.password`). */
export function issuesToFieldErrors(issues: ReadonlyArray<Issue>, prefix = ''): FieldError[] {
  const errors: FieldError[] = [];
  for (const issue of issues) {
    const base = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    if (issue.code === 'unrecognized_keys' && issue.keys) {
      for (const key of issue.keys) errors.push({ field: base ? `${base}.${key}` : key, message: 'unknown field' });
    } else {
      errors.push({ field: base || prefix || '(body)', message: issue.message });
    }
  }
  return errors;
}

/** Validates untrusted input; throws a 400 naming every bad field. */
export function parseInput<T>(schema: Schema<T>, input: unknown, what: string, prefix = ''): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const errors = issuesToFieldErrors(result.error.issues as ReadonlyArray<Issue>, prefix);
  throw new ValidationError(`Invalid ${what}: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`, errors);
}
