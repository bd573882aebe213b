import type { ExternalComment, ExternalRecord } from '@itsm-hub/core';
import { adfToText } from '../../client/adf';
import type { JiraComment, JiraIssue } from '../../client/types';
import type { JiraPeople } from '../../client/people';

/** The hub id rides on the issue as this label prefix plus the id: labels are searchable with JQL (`labels = "hub-…"`). */
export const CORRELATION_LABEL_PREFIX = 'hub-';

/** The issue fields a record is built from, for `fields=` of every read. */
export const ISSUE_FIELDS = 'summary,description,status,priority,assignee,labels,updated,created,project,issuetype';

export function correlationLabel(correlationId: string): string {
  return `${CORRELATION_LABEL_PREFIX}${correlationId}`;
}

export async function toExternalRecord(issue: JiraIssue, baseUrl: string, people: JiraPeople): Promise<ExternalRecord> {
  const f = issue.fields;
  const assignee = f.assignee ? await people.emailOf(f.assignee.accountId, f.assignee.emailAddress) : null;
  const record: ExternalRecord = {
    kind: 'incident',
    id: issue.id,
    number: issue.key,
    url: `${baseUrl.replace(/\/+$/, '')}/browse/${issue.key}`,
    fields: {
      summary: f.summary ?? null,
      description: f.description ? adfToText(f.description) || null : null,
      status: f.status?.name ?? null,
      priority: f.priority?.name ?? null,
      assignee,
    },
  };
  // `updated` has millisecond precision, so it changes with every change and serves as the version.
  if (f.updated) {
    record.version = f.updated;
    record.updatedAt = isoOf(f.updated);
  }
  const correlationId = correlationOf(f.labels ?? []);
  if (correlationId) record.correlationId = correlationId;
  return record;
}

export function correlationOf(labels: string[]): string | undefined {
  const label = labels.find((l) => l.startsWith(CORRELATION_LABEL_PREFIX));
  return label?.slice(CORRELATION_LABEL_PREFIX.length) || undefined;
}

/** A comment restricted to a role or group, or a JSM internal note (`jsdPublic: false`), is internal. */
export async function toComment(comment: JiraComment, people: JiraPeople): Promise<ExternalComment> {
  const author = comment.author?.accountId ? await people.emailOf(comment.author.accountId, comment.author.emailAddress) : undefined;
  const result: ExternalComment = {
    id: comment.id,
    body: adfToText(comment.body),
    visibility: commentVisibility(comment),
  };
  if (author) result.author = author;
  const createdAt = comment.created ? isoOf(comment.created) : undefined;
  if (createdAt) result.createdAt = createdAt;
  return result;
}

/** Jira's `2026-01-12T09:30:00.000+0000` as ISO 8601 UTC. */
export function isoOf(jiraTime: string): string | undefined {
  const ms = Date.parse(jiraTime.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

export function commentVisibility(comment: Pick<JiraComment, 'visibility' | 'jsdPublic'>): 'public' | 'internal' {
  return comment.visibility || comment.jsdPublic === false ? 'internal' : 'public';
}
