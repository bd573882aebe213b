import { injectable } from 'tsyringe';
import type { Db } from '../persistence/sql';
import type { HubRecord } from './HubRecord';

/** What a feature built on records does when one changes (alerts follow their incident's status). */
export interface RecordChangeListener {
  /** Runs in the change's transaction when there is one; `fields` are the fields that changed. */
  recordChanged(db: Db, before: HubRecord, after: HubRecord, fields: string[], origin: string): Promise<void>;
}

/**
 * The listeners of one hub (container-scoped), so that records never depend on the features built
 * on them: features add themselves when the hub is wired.
 */
@injectable()
export class RecordChangeHooks {
  private readonly listeners: RecordChangeListener[] = [];

  add(listener: RecordChangeListener): void {
    if (!this.listeners.includes(listener)) this.listeners.push(listener);
  }

  async changed(db: Db, before: HubRecord, after: HubRecord, fields: string[], origin: string): Promise<void> {
    for (const listener of this.listeners) await listener.recordChanged(db, before, after, fields, origin);
  }
}
