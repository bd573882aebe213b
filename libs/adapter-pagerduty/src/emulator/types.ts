import type { EmulatorApp, EmulatorHandle } from '@itsm-hub/core';
import type { PagerDutyCredentials } from '../schemas';

export interface PagerDutyEmulatorOptions {
  port?: number;
  host?: string;
  /** Accepted API key; anything else is answered 401 as PagerDuty does. */
  credentials?: Partial<PagerDutyCredentials>;
  /** Requests allowed per minute and key before 429 (PagerDuty's documented default: 960). */
  rateLimitPerMinute?: number;
}

export interface RunningPagerDutyEmulator extends EmulatorHandle {
  credentials: PagerDutyCredentials;
  emulator: EmulatorApp;
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
}
