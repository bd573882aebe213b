import {
  dispatchKinds,
  TransportError,
  VendorResponseError,
  writeEach,
  type KindDispatch,
  type Adapter,
  type AdapterContext,
  type ConnectionCheck,
  type ErrorClassification,
  type HttpResponse,
  type InboundEvent,
  type Result,
  type SyncDirection,
  type VendorFailure,
  type WebhookFailure,
  type WebhookRequest,
  type WebhookVerification,
  type WriteOperation,
  type WriteResult,
} from '@itsm-hub/core';
import { classifyServiceNowError, vendorMessage } from './client/failures';
import { authModeOf, describeIssues, ServiceNowClient, type TableListOutcome } from './client/http';
import { userFailure } from './kinds/incident/failures';
import { IncidentReader } from './kinds/incident/reader';
import { IncidentWriter } from './kinds/incident/writer';
import { ReferenceResolver } from './kinds/incident/references';
import { checkIncidentWriteAccess } from './kinds/incident/writeAccess';
import { credentialSchema, DEFAULT_CLOSE_CODE, DEFAULT_INCIDENT_TABLE, DEFAULT_SIGNED_TIMESTAMP_MAX_AGE_SECONDS, type ServiceNowCredentials, type ServiceNowSettings } from './config';
import { parseEvents, verifySignature } from './webhooks';

export type ServiceNowContext = AdapterContext<ServiceNowCredentials, ServiceNowSettings>;

type Attempt<T> = { ok: true; value: T; durationMs: number } | { ok: false; error: Error; durationMs: number };

const USER_TABLE = 'sys_user';

/** `read`, `find`, `list`, `write` and `defaultMappings` come from the kinds the constructor declares. */
export interface ServiceNowAdapter extends KindDispatch {}

export class ServiceNowAdapter implements Adapter {
  private readonly client?: ServiceNowClient;
  private readonly credentialProblem?: string;
  private readonly incidentTable: string;
  private readonly reader?: IncidentReader;
  private readonly writer?: IncidentWriter;

  constructor(private readonly context: ServiceNowContext) {
    const parsed = credentialSchema.safeParse(context.credentials);
    const mode = parsed.success ? authModeOf(parsed.data) : undefined;
    if (parsed.success && mode) this.client = new ServiceNowClient(context.http, context.clock, parsed.data, context.settings, mode);
    else this.credentialProblem = parsed.success ? 'no usable credentials' : describeIssues(parsed.error.issues);
    const settings = context.settings;
    this.incidentTable = settings.incident_table ?? DEFAULT_INCIDENT_TABLE;
    if (this.client) {
      const incidentQuery = settings.incident_query ?? settings.encoded_query;
      this.reader = new IncidentReader(this.client, { table: this.incidentTable, baseUrl: context.integration.baseUrl, incidentQuery, classify: (failure) => this.classifyError(failure) });
      this.writer = new IncidentWriter(this.client, new ReferenceResolver(this.client), {
        table: this.incidentTable,
        baseUrl: context.integration.baseUrl,
        closeCode: settings.close_code ?? DEFAULT_CLOSE_CODE,
        classify: (failure) => this.classifyError(failure),
      });
    }
    Object.assign(this, dispatchKinds('ServiceNow', {
      incident: {
        read: (id) => this.incidents().read(id),
        // Incidents have no unique name: only the correlation id identifies one.
        find: async (query) => (query.correlationId ? this.incidents().findByCorrelationId(query.correlationId) : undefined),
        list: (query) => (query.scope === 'all' ? this.incidents().scan(query.page, query.pageSize) : this.incidents().list(query.cursor, query.page, query.pageSize)),
        write: writeEach((op) => this.writeOne(op)),
      },
    }));
  }

  verifyWebhook(request: WebhookRequest): Result<WebhookVerification, WebhookFailure> {
    const settings = this.context.settings;
    return verifySignature(request, this.context.webhookSecret, {
      now: this.context.clock.now(),
      required: settings.require_signed_timestamp === true,
      maxAgeMs: Number(settings.signed_timestamp_max_age_seconds ?? DEFAULT_SIGNED_TIMESTAMP_MAX_AGE_SECONDS) * 1000,
    });
  }

  parseWebhook(request: WebhookRequest): Result<InboundEvent[], WebhookFailure> {
    return parseEvents(request, this.context.integration.baseUrl);
  }

  async testConnection(): Promise<ConnectionCheck[]> {
    const client = this.client;
    if (!client) return [{ name: 'authentication', passed: false, message: `Invalid ServiceNow credentials: ${this.credentialProblem}` }];
    const checks: ConnectionCheck[] = [];
    let incident: Attempt<TableListOutcome>;

    if (client.authMode === 'basic') {
      // Basic auth has no token call: the first table read proves reachability and the password.
      incident = await this.attempt(() => client.listRecords(this.incidentTable, { sysparm_limit: '1' }));
      if (!incident.ok && incident.error instanceof TransportError) return [failedReachability(incident)];
      checks.push(passedReachability(incident.ok ? incident.value.status : undefined, incident.durationMs));
      if (incident.ok && !incident.value.ok && incident.value.status === 401) {
        return [...checks, failure('authentication', incident.value.response, incident.durationMs)];
      }
      checks.push({ name: 'authentication', passed: true, message: 'ServiceNow accepted the HTTP Basic credentials', durationMs: incident.durationMs });
    } else {
      const token = await this.attempt(() => client.requestToken());
      if (!token.ok && token.error instanceof TransportError) return [failedReachability(token)];
      // Only a malformed token answer is left here: the instance did answer.
      if (!token.ok) return [passedReachability(undefined, token.durationMs), failedCheck('authentication', token)];
      checks.push(passedReachability(token.value.status, token.durationMs));
      if (token.value.status !== 200) return [...checks, failure('authentication', token.value, token.durationMs)];
      const grant = client.authMode === 'oauth_password' ? 'password' : 'client_credentials';
      checks.push({ name: 'authentication', passed: true, message: `Obtained an OAuth access token (${grant} grant)`, status: 200, durationMs: token.durationMs });
      incident = await this.attempt(() => client.listRecords(this.incidentTable, { sysparm_limit: '1' }));
    }

    checks.push(permissionCheck(this.incidentTable, incident));
    const users = await this.attempt(() => client.listRecords(USER_TABLE, { sysparm_limit: '1', sysparm_fields: 'sys_id' }));
    checks.push(permissionCheck(USER_TABLE, users));
    if (sendsRecords(this.context.integration.direction)) {
      const write = await this.attempt(() => checkIncidentWriteAccess(client, this.incidentTable));
      checks.push(write.ok ? { ...write.value, durationMs: write.durationMs } : failedCheck(`write:${this.incidentTable}`, write));
    }
    return checks;
  }

  classifyError(failure: VendorFailure): ErrorClassification {
    const canRefreshAuth = this.client !== undefined && this.client.authMode !== 'basic';
    return classifyServiceNowError(failure, { now: this.context.clock.now(), canRefreshAuth });
  }

  private async writeOne(op: WriteOperation): Promise<WriteResult> {
    const writer = this.writer;
    if (!writer) return { ok: false, error: { action: 'fail', kind: 'config', message: `Invalid ServiceNow credentials: ${this.credentialProblem}` }, vendorMessage: `Invalid ServiceNow credentials: ${this.credentialProblem}` };
    try {
      if (op.op === 'create') return await writer.create(op);
      if (op.op === 'update') return await writer.update(op);
      if (op.op === 'comment') return await writer.comment(op);
      return userFailure(`The ServiceNow adapter does not support '${op.op}' on incidents`);
    } catch (err) {
      if (err instanceof TransportError) return { ok: false, error: this.classifyError({ type: 'transport', error: err }), vendorMessage: err.message };
      if (err instanceof VendorResponseError) return { ok: false, error: { action: 'fail', kind: 'system', message: err.message }, vendorMessage: err.message };
      throw err;
    }
  }

  private incidents(): IncidentReader {
    // Without a client nothing can be read.
    if (!this.reader) throw new VendorResponseError(`Invalid ServiceNow credentials: ${this.credentialProblem}`);
    return this.reader;
  }

  private async attempt<T>(call: () => Promise<T>): Promise<Attempt<T>> {
    const started = this.context.clock.now().getTime();
    const elapsed = () => this.context.clock.now().getTime() - started;
    try {
      const value = await call();
      return { ok: true, value, durationMs: elapsed() };
    } catch (err) {
      // Only transport and malformed-response failures are expected; anything else is a bug and propagates.
      if (err instanceof TransportError || err instanceof VendorResponseError) return { ok: false, error: err, durationMs: elapsed() };
      throw err;
    }
  }
}

function sendsRecords(direction: SyncDirection): boolean {
  return direction === 'outbound' || direction === 'bidirectional';
}

function passedReachability(status: number | undefined, durationMs: number): ConnectionCheck {
  return { name: 'reachability', passed: true, message: `The instance answered${status ? ` with HTTP ${status}` : ''}`, status, durationMs };
}

function failedReachability(attempt: { error: Error; durationMs: number }): ConnectionCheck {
  return { name: 'reachability', passed: false, message: attempt.error.message, durationMs: attempt.durationMs };
}

function failedCheck(name: string, attempt: { error: Error; durationMs: number }): ConnectionCheck {
  return { name, passed: false, message: attempt.error.message, durationMs: attempt.durationMs };
}

function failure(name: string, response: HttpResponse, durationMs: number): ConnectionCheck {
  const message = vendorMessage(response.body) ?? `ServiceNow answered HTTP ${response.status}`;
  return { name, passed: false, message, status: response.status, durationMs };
}

function permissionCheck(table: string, attempt: Attempt<TableListOutcome>): ConnectionCheck {
  const name = `permission:${table}`;
  if (!attempt.ok) return failedCheck(name, attempt);
  const outcome = attempt.value;
  if (!outcome.ok) return failure(name, outcome.response, attempt.durationMs);
  const visible = outcome.total === undefined ? '' : ` (${outcome.total} record${outcome.total === 1 ? '' : 's'} visible)`;
  return { name, passed: true, message: `Can read table ${table}${visible}`, status: outcome.status, durationMs: attempt.durationMs };
}
