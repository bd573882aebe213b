import { createTask, validate } from 'node-cron';
import { ValidationError } from '../errors/HubError';

/** Checks a schedule's cron expression (five fields, or six with seconds) and IANA time zone, naming the field that is wrong. */
export function checkSchedule(cron: string, timezone: string): void {
  if (!validate(cron)) throw new ValidationError(`cron: '${cron}' is not a cron expression (minute hour day-of-month month day-of-week, with an optional leading seconds field)`, [{ field: 'cron', message: 'not a cron expression' }]);
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch {
    throw new ValidationError(`timezone: '${timezone}' is not an IANA time zone (such as UTC or Europe/Berlin)`, [{ field: 'timezone', message: 'not an IANA time zone' }]);
  }
}

/** When a schedule fires next, for showing it. */
export function nextRunOf(cron: string, timezone: string): string | null {
  const task = createTask(cron, () => undefined, { timezone });
  try {
    // getNextRun answers only for a started task; the next runs of its pattern do not need one.
    return task.getNextRuns(1)[0]?.toISOString() ?? null;
  } finally {
    void task.destroy();
  }
}
