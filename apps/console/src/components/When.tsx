/** A timestamp people read, with the exact value as its machine-readable time. */
export function When({ at }: { at: string | null | undefined }) {
  if (!at) return <span className="muted">never</span>;
  return <time dateTime={at}>{new Date(at).toLocaleString()}</time>;
}
