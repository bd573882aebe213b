import type { HaloCallResult, HaloClient } from './http';
import type { HaloAgent } from './types';
import { UNASSIGNED_AGENT_ID } from './assumptions';

type Rejected = Extract<HaloCallResult<never>, { ok: false }>;
export type AgentLookup = { ok: true; id: number } | { ok: false; rejected: Rejected } | { ok: false; missing: string };

/**
 * The instance's agents, read once per adapter and again when an email or id is not known (an agent
 * added since): records present agents as emails, while Halo tickets carry agent ids.
 */
export class AgentDirectory {
  private agents?: HaloAgent[];
  /** Ids a fresh list did not hold (disabled or deleted agents): not worth a reload on every read. */
  private readonly unknownIds = new Set<number>();
  private loading?: Promise<HaloCallResult<HaloAgent[]>>;

  constructor(private readonly client: HaloClient) {}

  /** The email of an agent id; null for an unassigned ticket or an agent without email. Failures are returned. */
  async emailOf(agentId: number | null | undefined): Promise<{ ok: true; email: string | null } | Rejected> {
    if (agentId === null || agentId === undefined || agentId === UNASSIGNED_AGENT_ID || this.unknownIds.has(agentId)) return { ok: true, email: null };
    const found = await this.find((agent) => agent.id === agentId);
    if (!found.ok) return found;
    if (!found.agent) this.unknownIds.add(agentId);
    return { ok: true, email: found.agent?.email || null };
  }

  /** The agent id of an email, compared case-insensitively; a miss always asks Halo again. */
  async idOf(email: string): Promise<AgentLookup> {
    const key = email.trim().toLowerCase();
    const found = await this.find((agent) => (agent.email ?? '').trim().toLowerCase() === key);
    if (!found.ok) return { ok: false, rejected: found };
    if (!found.agent) return { ok: false, missing: `No Halo agent has the email ${email}` };
    return { ok: true, id: found.agent.id };
  }

  private async find(match: (agent: HaloAgent) => boolean): Promise<{ ok: true; agent?: HaloAgent } | Rejected> {
    const cached = this.agents?.find(match);
    if (cached) return { ok: true, agent: cached };
    const loaded = await this.load();
    if (!loaded.ok) return loaded;
    return { ok: true, agent: loaded.data.find(match) };
  }

  /** Reads the agent list; concurrent lookups share one request. */
  private load(): Promise<HaloCallResult<HaloAgent[]>> {
    this.loading ??= this.client.listAgents().then((result) => {
      if (result.ok) this.agents = result.data;
      return result;
    }).finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }
}
