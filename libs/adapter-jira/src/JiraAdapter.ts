import {
  ConfigurationError,
  dispatchKinds,
  writeEach,
  type KindDispatch,
  ErrorCodes,
  isHubError,
  type FieldError,
  type Adapter,
  type AdapterContext,
  type Clock,
  type ConnectionCheck,
  type ErrorClassification,
  type InboundEvent,
  type Result,
  type VendorFailure,
  type WebhookFailure,
  type WebhookRequest,
} from '@itsm-hub/core';
import { classifyJiraError } from './client/failures';
import { JiraClient, REQUIRED_ISSUE_PERMISSIONS, type JiraCallResult } from './client/http';
import { incidentMappings } from './kinds/incident/mappings';
import { JiraPeople } from './client/people';
import { IssueReader } from './kinds/incident/reader';
import { jiraCredentialSchema, jiraSettingsSchema, type JiraCredentials, type JiraSettings } from './config';
import { parseJiraWebhook, verifyJiraSignature } from './webhooks';
import { WorkflowNavigator } from './kinds/incident/workflow';
import { IssueWriter } from './kinds/incident/writer';

/** One call of a check: either Jira answered (any status) or the transport failed. */
type Attempt<T> = { durationMs: number } & ({ reached: true; result: JiraCallResult<T> } | { reached: false; message: string });

/** `read`, `find`, `list`, `write` and `defaultMappings` come from the kinds the constructor declares. */
export interface JiraAdapter extends KindDispatch {}

/** Jira Cloud adapter: incidents are issues of one project, read, listed, written and received by webhook. */
export class JiraAdapter implements Adapter {
  private readonly client: JiraClient;
  private readonly clock: Clock;
  private readonly reader: IssueReader;
  private readonly writer: IssueWriter;

  constructor(private readonly context: AdapterContext<JiraCredentials, JiraSettings>) {
    this.client = new JiraClient(context.http, context.credentials);
    this.clock = context.clock;
    const people = new JiraPeople(this.client);
    const { settings } = context;
    this.reader = new IssueReader(this.client, people, { baseUrl: context.integration.baseUrl, projectKey: settings.project_key, classify: (failure) => this.classifyError(failure) });
    this.writer = new IssueWriter(this.client, this.reader, people, new WorkflowNavigator(this.client), settings, (failure) => this.classifyError(failure));
    Object.assign(this, dispatchKinds('Jira', {
      incident: {
        read: (idOrKey) => this.reader.read(idOrKey),
        // Issues have no unique name: only the correlation label identifies one.
        find: async (query) => (query.correlationId === undefined ? undefined : this.reader.findByCorrelationId(query.correlationId)),
        list: (query) => (query.scope === 'all' ? this.reader.scan(query.page, query.pageSize) : this.reader.list(query.cursor, query.page, query.pageSize)),
        write: writeEach((op) => this.writer.apply(op)),
        // The integration's status_map and priority_map become the value maps.
        defaultMappings: () => incidentMappings(settings),
      },
    }));
  }

  verifyWebhook(request: WebhookRequest): Result<true, WebhookFailure> {
    return verifyJiraSignature(request, this.context.webhookSecret);
  }

  parseWebhook(request: WebhookRequest): Result<InboundEvent[], WebhookFailure> {
    return parseJiraWebhook(request, this.context.integration.baseUrl);
  }

  /**
   * GET /myself (reachability + authentication), then GET /mypermissions (issue permissions, in the
   * configured project when there is one) and GET /user/search (Browse users and groups).
   */
  async testConnection(): Promise<ConnectionCheck[]> {
    const me = await this.attempt(() => this.client.getMyself());
    const { durationMs } = me;
    if (!me.reached) return [{ name: 'reachability', passed: false, message: me.message, durationMs }];
    const { result } = me;
    const checks: ConnectionCheck[] = [
      { name: 'reachability', passed: true, message: `Jira answered at ${this.context.integration.baseUrl}`, status: result.status, durationMs },
    ];
    if (!result.ok) {
      checks.push({ name: 'authentication', passed: false, message: result.message, status: result.status, durationMs });
      return checks;
    }
    const user = result.data;
    if (!user.active) {
      checks.push({ name: 'authentication', passed: false, message: `The Jira account ${user.accountId} is deactivated`, status: result.status, durationMs });
      return checks;
    }
    const who = user.displayName ?? user.emailAddress ?? user.accountId;
    checks.push({ name: 'authentication', passed: true, message: `Authenticated as ${who} (${user.accountId})`, status: result.status, durationMs });
    checks.push(await this.checkIssuePermissions());
    if (this.context.settings.project_key !== undefined) checks.push(await this.checkProject(this.context.settings.project_key));
    checks.push(await this.checkUserSearch());
    return checks;
  }

  classifyError(failure: VendorFailure): ErrorClassification {
    return classifyJiraError(failure, this.clock.now());
  }

  private async checkIssuePermissions(): Promise<ConnectionCheck> {
    const name = 'permission:issues';
    const projectKey = this.context.settings.project_key;
    const scope = projectKey ? `project ${projectKey}` : 'any project';
    const attempt = await this.attempt(() => this.client.getMyPermissions(REQUIRED_ISSUE_PERMISSIONS, projectKey));
    const { durationMs } = attempt;
    if (!attempt.reached) return { name, passed: false, message: attempt.message, durationMs };
    const { result } = attempt;
    if (!result.ok) return { name, passed: false, message: result.message, status: result.status, durationMs };
    const granted = result.data.permissions;
    const missing = REQUIRED_ISSUE_PERMISSIONS.filter((key) => granted[key]?.havePermission !== true);
    if (missing.length > 0) {
      const names = missing.map((key) => `${granted[key]?.name ?? key} (${key})`).join(', ');
      return { name, passed: false, message: `Missing Jira permissions in ${scope}: ${names}`, status: result.status, durationMs };
    }
    return { name, passed: true, message: `Can browse, create, edit and transition issues in ${scope}`, status: result.status, durationMs };
  }

  /** What a first create needs: the project and, in it, the issue type creates use. */
  private async checkProject(projectKey: string): Promise<ConnectionCheck> {
    const name = 'project';
    const attempt = await this.attempt(() => this.client.getProject(projectKey));
    const { durationMs } = attempt;
    if (!attempt.reached) return { name, passed: false, message: attempt.message, durationMs };
    const { result } = attempt;
    if (!result.ok) {
      const message = result.status === 404 ? `Project ${projectKey} does not exist or this account cannot browse it (settings.project_key): ${result.message}` : result.message;
      return { name, passed: false, message, status: result.status, durationMs };
    }
    const wanted = this.context.settings.issue_type;
    const types = result.data.issueTypes.filter((t) => t.subtask !== true);
    if (!types.some((t) => t.name === wanted)) {
      const offered = types.map((t) => t.name).join(', ') || 'none';
      const message = `Project ${projectKey} has no issue type '${wanted}' (settings.issue_type); its issue types: ${offered}`;
      return { name, passed: false, message, status: result.status, durationMs };
    }
    return { name, passed: true, message: `Project ${projectKey} (${result.data.name}) takes '${wanted}' issues`, status: result.status, durationMs };
  }

  private async checkUserSearch(): Promise<ConnectionCheck> {
    const name = 'permission:users';
    const email = this.context.credentials.email;
    const attempt = await this.attempt(() => this.client.findUsers(email, 1));
    const { durationMs } = attempt;
    if (!attempt.reached) return { name, passed: false, message: attempt.message, durationMs };
    const { result } = attempt;
    if (!result.ok) return { name, passed: false, message: result.message, status: result.status, durationMs };
    // Jira answers 200 with [] when the caller lacks Browse users and groups, so finding nobody is the failure.
    if (result.data.length === 0) {
      const message = `User search for ${email} returned no users: the account needs the 'Browse users and groups' global permission`;
      return { name, passed: false, message, status: result.status, durationMs };
    }
    return { name, passed: true, message: `User search works (found ${email})`, status: result.status, durationMs };
  }

  /** Runs one call and times it; a transport failure becomes `reached: false` with its message. */
  private async attempt<T>(call: () => Promise<JiraCallResult<T>>): Promise<Attempt<T>> {
    const started = this.clock.now().getTime();
    const elapsed = () => this.clock.now().getTime() - started;
    try {
      const result = await call();
      return { reached: true, result, durationMs: elapsed() };
    } catch (err) {
      if (!isHubError(err) || err.code !== ErrorCodes.VENDOR_TRANSPORT) throw err;
      return { reached: false, message: err.message, durationMs: elapsed() };
    }
  }
}

/**
 * The plugin's factory. Credentials and settings are validated again here because stored
 * configuration may predate the current schema; defaults (issue_type) are applied on the way.
 */
export function createJiraAdapter(context: AdapterContext<unknown, unknown>): JiraAdapter {
  const credentials = jiraCredentialSchema.safeParse(context.credentials);
  const settings = jiraSettingsSchema.safeParse(context.settings ?? {});
  const errors: FieldError[] = [
    ...(credentials.success ? [] : credentials.error.issues.map((i) => ({ field: ['credentials', ...i.path].join('.'), message: i.message }))),
    ...(settings.success ? [] : settings.error.issues.map((i) => ({ field: ['settings', ...i.path].join('.'), message: i.message }))),
  ];
  if (!credentials.success || !settings.success) {
    throw new ConfigurationError(`Invalid Jira integration configuration: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`, errors);
  }
  return new JiraAdapter({ ...context, credentials: credentials.data, settings: settings.data });
}
