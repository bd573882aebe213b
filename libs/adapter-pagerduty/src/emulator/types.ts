import type { EmulatorHandle } from '@itsm-hub/core/emulator';
import type { PagerDutyCredentials } from '../config';
import type { PagerDutyEmulator } from './PagerDutyEmulator';

export interface PagerDutyEmulatorOptions {
  port?: number;
  host?: string;
  /** Accepted API key; anything else is answered 401 as PagerDuty does. */
  credentials?: Partial<PagerDutyCredentials>;
  /** Requests allowed per minute and key before 429 (PagerDuty's documented default: 960). */
  rateLimitPerMinute?: number;
  /**
   * The offset + limit past which `GET /incidents` and `GET /log_entries` refuse a page (PagerDuty's:
   * 10,000). Smaller values let tests reach the ceiling with a handful of incidents.
   */
  paginationCap?: number;
  /** Time source in epoch milliseconds for every timestamp the emulator writes (default Date.now). */
  now?: () => number;
}

export interface RunningPagerDutyEmulator extends EmulatorHandle {
  credentials: PagerDutyCredentials;
  emulator: PagerDutyEmulator;
  store: PagerDutyStore;
}

export type IncidentStatus = 'triggered' | 'acknowledged' | 'resolved';

export interface StoredService {
  id: string;
  name: string;
  description: string;
  escalationPolicyId: string;
  createdAt: string;
}

export interface StoredUser {
  id: string;
  name: string;
  email: string;
  role: 'admin' | 'limited_user' | 'observer' | 'owner' | 'read_only_user' | 'restricted_access' | 'read_only_limited_user' | 'user';
  timeZone: string;
}

export interface StoredIncident {
  id: string;
  number: number;
  title: string;
  status: IncidentStatus;
  urgency: 'high' | 'low';
  serviceId: string;
  escalationPolicyId: string;
  incidentKey: string;
  priorityId?: string;
  assigneeIds: string[];
  createdAt: string;
  updatedAt: string;
  lastStatusChangeAt: string;
  resolvedAt?: string;
  /** `body.details` given on create; PagerDuty keeps it on the first alert, not on the incident. */
  details?: string;
}

export interface StoredNote {
  id: string;
  incidentId: string;
  userId: string;
  content: string;
  createdAt: string;
}

export type LogEntryType =
  | 'trigger_log_entry'
  | 'acknowledge_log_entry'
  | 'unacknowledge_log_entry'
  | 'resolve_log_entry'
  | 'assign_log_entry'
  | 'annotate_log_entry'
  | 'urgency_change_log_entry';

export interface StoredLogEntry {
  id: string;
  type: LogEntryType;
  incidentId: string;
  serviceId: string;
  createdAt: string;
  /** The user the change was made as (the From header); absent when the service did it. */
  agentUserId?: string;
  assigneeIds?: string[];
  summary: string;
}

export interface StoredPriority {
  id: string;
  name: string;
}

/** The emulator's in-memory account; tests may add to it before calling. */
export interface PagerDutyStore {
  abilities: string[];
  services: Map<string, StoredService>;
  users: StoredUser[];
  incidents: StoredIncident[];
  priorities: StoredPriority[];
  notes: StoredNote[];
  /** Oldest first, as written. */
  logEntries: StoredLogEntry[];
  /** Next number for generated ids and incident numbers. */
  sequence: number;
}
