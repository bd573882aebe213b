import type { ConnectionCheck } from '@itsm-hub/core';
import { vendorMessage } from '../../client/failures';
import type { ServiceNowClient, TableListOutcome } from '../../client/http';
import { DEFAULT_INCIDENT_TABLE } from '../../config';

/**
 * Roles whose holders may create and update incidents on a base-system instance: `itil`,
 * `sn_incident_write` (ITSM Roles — Incident Management, docs `inci-roles-instld-itsm-roles`)
 * and `admin`, which passes every ACL. sys_user_has_role lists inherited roles too, so a user
 * with `incident_manager` (which contains `itil`) matches `itil`.
 */
export const INCIDENT_WRITE_ROLES = ['itil', 'sn_incident_write', 'admin'] as const;

/** Encoded-query value the instance evaluates to the calling user's sys_id, whatever the auth mode. */
export const CURRENT_USER_ID = 'javascript:gs.getUserID()';

const ROLE_TABLE = 'sys_user_has_role';
const ROLE_NAME = 'role.name';

/**
 * What a first create needs on the incident table: the calling user holds a role that may write
 * incidents. ACLs themselves are not readable through the Table API, so roles are what can be
 * checked; a custom table's ACLs name roles the hub cannot know, and say so instead of guessing.
 */
export async function checkIncidentWriteAccess(client: ServiceNowClient, table: string): Promise<ConnectionCheck> {
  const name = `write:${table}`;
  if (table !== DEFAULT_INCIDENT_TABLE) {
    return { name, passed: true, message: `Not checked: which roles may write ${table} depends on its ACLs, which the Table API does not show` };
  }
  const outcome: TableListOutcome = await client.listRecords(ROLE_TABLE, {
    sysparm_query: `user=${CURRENT_USER_ID}^${ROLE_NAME}IN${INCIDENT_WRITE_ROLES.join(',')}`,
    sysparm_fields: ROLE_NAME,
    sysparm_limit: String(INCIDENT_WRITE_ROLES.length * 4),
  });
  const wanted = INCIDENT_WRITE_ROLES.join(', ');
  if (!outcome.ok) {
    const said = vendorMessage(outcome.response.body) ?? `HTTP ${outcome.status}`;
    // Reading roles is often denied to integration users that may write incidents: not knowing is not a failure.
    if (outcome.status === 403) return { name, passed: true, status: 403, message: `Not checked: cannot read ${ROLE_TABLE} (${said}); the user needs one of ${wanted} to create incidents` };
    return { name, passed: false, status: outcome.status, message: said };
  }
  const held = [...new Set(outcome.records.map((r) => r[ROLE_NAME]).filter((v): v is string => typeof v === 'string' && v !== ''))];
  if (held.length === 0) {
    return { name, passed: false, status: outcome.status, message: `The user holds none of the roles that may create incidents (${wanted}): its first create would be refused. Grant it itil or sn_incident_write.` };
  }
  return { name, passed: true, status: outcome.status, message: `The user holds ${held.join(', ')}, which may create incidents` };
}
