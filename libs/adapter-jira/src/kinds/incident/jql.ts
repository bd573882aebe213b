/**
 * JQL pieces the adapter builds. Values are always double-quoted with `"` and `\` escaped
 * (developer.atlassian.com JQL reference: reserved characters in quoted strings).
 */
export function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * An instant as a JQL date literal (`yyyy-MM-dd HH:mm`). Jira reads such literals in the time zone
 * of the account running the query, not UTC, and has no syntax for a zone, so the literal is written
 * in that account's zone (JRACLOUD-74279 and Atlassian staff answers on the developer community).
 */
export function jqlDate(instant: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

/** Whether the runtime knows the zone (Jira reports IANA names; an unknown one falls back to UTC). */
export function knownTimeZone(timeZone: string | undefined): string {
  if (!timeZone) return 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return timeZone;
  } catch {
    return 'UTC';
  }
}
