import { ApiToken } from './ApiToken';
import { ExternalCallAudit } from './ExternalCallAudit';
import { FieldOwnership } from './FieldOwnership';
import { IntegrationConfiguration } from './IntegrationConfiguration';
import { Organization } from './Organization';

export { ApiToken, ExternalCallAudit, FieldOwnership, IntegrationConfiguration, Organization };
export type { TokenRole } from './ApiToken';

export const ENTITIES = [Organization, ApiToken, IntegrationConfiguration, FieldOwnership, ExternalCallAudit];
