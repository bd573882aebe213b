import { ApiToken } from './ApiToken';
import { SyncLogEntry } from './SyncLogEntry';
import { FieldOwnership } from './FieldOwnership';
import { IntegrationConfiguration } from './IntegrationConfiguration';
import { Organization } from './Organization';

export { ApiToken, SyncLogEntry, FieldOwnership, IntegrationConfiguration, Organization };
export { TOKEN_ROLES, type TokenRole } from './ApiToken';

export const ENTITIES = [Organization, ApiToken, IntegrationConfiguration, FieldOwnership, SyncLogEntry];
