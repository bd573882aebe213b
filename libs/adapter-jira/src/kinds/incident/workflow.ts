import type { JiraCallResult, JiraClient } from '../../client/http';
import { quote } from './jql';

/** Longest chain of transitions a status change may take. */
export const MAX_TRANSITIONS = 3;

export type TransitionOutcome =
  | { ok: true; steps: string[] }
  | { ok: false; kind: 'no-path'; message: string }
  | { ok: false; kind: 'refused'; failed: Extract<JiraCallResult<unknown>, { ok: false }>; message: string };

type Refused = Extract<TransitionOutcome, { kind: 'refused' }>;

/**
 * Moves an issue to a status by name through its workflow. Jira only tells which transitions leave
 * the issue's *current* status (GET /transitions), and reading the workflow itself needs Jira admin
 * rights, so the search looks ahead through other issues of the same project and issue type that sit
 * in the intermediate statuses (one JQL search and one GET /transitions per status), breadth first,
 * at most MAX_TRANSITIONS deep. A status no other issue sits in cannot be looked through. Nothing is
 * moved until a whole path is known; each step then re-reads the issue's own transitions.
 */
export class WorkflowNavigator {
  constructor(private readonly client: JiraClient) {}

  async moveTo(issue: { key: string; project: string; issueType: string; status: string }, target: string): Promise<TransitionOutcome> {
    if (same(issue.status, target)) return { ok: true, steps: [] };
    const path = await this.plan(issue, target);
    if (!path.ok) return path;
    for (const status of path.statuses) {
      const available = await this.client.getTransitions(issue.key);
      if (!available.ok) return refusedStep(issue.key, available);
      const transition = available.data.transitions.find((t) => same(t.to.name, status));
      if (!transition) {
        const names = available.data.transitions.map((t) => `'${t.to.name}'`).join(', ') || 'none';
        return { ok: false, kind: 'no-path', message: `Jira no longer offers a transition of ${issue.key} to '${status}' on the way to '${target}' (available: ${names})` };
      }
      const done = await this.client.doTransition(issue.key, transition.id);
      if (!done.ok) return refusedStep(issue.key, done);
    }
    return { ok: true, steps: path.statuses };
  }

  /** Breadth-first over statuses: the issue's own transitions first, then look-alike issues' transitions. */
  private async plan(
    issue: { key: string; project: string; issueType: string; status: string },
    target: string,
  ): Promise<{ ok: true; statuses: string[] } | Exclude<TransitionOutcome, { ok: true }>> {
    const first = await this.client.getTransitions(issue.key);
    if (!first.ok) return refusedStep(issue.key, first);
    const firstTargets = unique(first.data.transitions.map((t) => t.to.name));
    const seen = new Set([issue.status.toLowerCase()]);
    let frontier: string[][] = [];
    for (const to of firstTargets) {
      if (seen.has(to.toLowerCase())) continue;
      seen.add(to.toLowerCase());
      frontier.push([to]);
    }
    for (let depth = 1; depth <= MAX_TRANSITIONS; depth += 1) {
      const hit = frontier.find((path) => same(path[path.length - 1], target));
      if (hit) return { ok: true, statuses: hit };
      if (depth === MAX_TRANSITIONS) break;
      const next: string[][] = [];
      for (const path of frontier) {
        const from = path[path.length - 1];
        const onward = await this.transitionsFrom(issue, from);
        if (!onward.ok) return onward;
        for (const to of onward.statuses) {
          if (seen.has(to.toLowerCase())) continue;
          seen.add(to.toLowerCase());
          next.push([...path, to]);
        }
      }
      frontier = next;
    }
    const available = firstTargets.map((s) => `'${s}'`).join(', ') || 'none';
    return {
      ok: false,
      kind: 'no-path',
      message: `Jira workflow of ${issue.key} has no path from '${issue.status}' to '${target}' within ${MAX_TRANSITIONS} transitions (available: ${available})`,
    };
  }

  /** Statuses reachable in one transition from `status`, as another issue in that status shows them. */
  private async transitionsFrom(issue: { key: string; project: string; issueType: string }, status: string): Promise<{ ok: true; statuses: string[] } | Refused> {
    const jql = `project = ${quote(issue.project)} AND issuetype = ${quote(issue.issueType)} AND status = ${quote(status)} ORDER BY updated DESC`;
    const sample = await this.client.searchJql({ jql, fields: 'id', maxResults: 1 });
    if (!sample.ok) return refusedStep(issue.key, sample);
    const other = sample.data.issues[0];
    if (!other) return { ok: true, statuses: [] };
    const transitions = await this.client.getTransitions(other.key);
    if (!transitions.ok) return refusedStep(other.key, transitions);
    return { ok: true, statuses: unique(transitions.data.transitions.map((t) => t.to.name)) };
  }
}

function refusedStep(key: string, failed: Extract<JiraCallResult<unknown>, { ok: false }>): Refused {
  return { ok: false, kind: 'refused', failed, message: `Changing the status of ${key} failed: ${failed.message}` };
}

function same(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
