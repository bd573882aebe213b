import type { TokenRole } from '../persistence/entities/ApiToken';

/** Who is calling: resolved from the bearer token on every request. */
export interface Principal {
  tokenId: string;
  organizationId: string;
  role: TokenRole;
  /** The admin token of organization `default`: may manage organizations and act in any of them. */
  instanceAdmin: boolean;
}
