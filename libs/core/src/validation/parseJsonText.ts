/**
 * Settings arrive from the CLI as `--setting key=value` strings, so a map or list may come as JSON
 * text. Use with `z.preprocess(parseJsonText, schema)`; text that is not JSON is left for the schema
 * to reject with its own message.
 */
export function parseJsonText(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
