import { z } from 'zod';
import { CONFLICT_STRATEGIES, FIELD_OWNERS, SYNC_DIRECTIONS } from '../contracts/SyncDirection';

const name = z
  .string()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/, 'may contain letters, digits, spaces, dots, dashes and underscores, starting with a letter or digit');

const baseUrl = z
  .string()
  .max(2048)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.length > 0;
    } catch {
      return false;
    }
  }, 'must be an absolute http:// or https:// URL');

const settings = z.record(z.string(), z.unknown());
const credentials = z.record(z.string(), z.unknown());
const rateLimit = z.number().int('must be an integer').positive('must be greater than 0').max(1_000_000).nullable();
const kindDirections = z
  .record(z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be a record kind'), z.enum(SYNC_DIRECTIONS))
  .describe('Directions of record kinds that do not follow `direction` (the incidents\' direction and the default).');
const organizationId = z.string().min(1).optional().describe('Act in another organization (instance admin only).');

export const CreateIntegrationSchema = z
  .object({
    organization_id: organizationId,
    name,
    type: z.string().min(1, 'must not be empty').describe('Adapter type, e.g. servicenow, jira, pagerduty, halo.'),
    base_url: baseUrl,
    direction: z.enum(SYNC_DIRECTIONS).default('bidirectional'),
    kind_directions: kindDirections.default({}),
    enabled: z.boolean().default(true),
    conflict_strategy: z.enum(CONFLICT_STRATEGIES).default('last-write-wins'),
    rate_limit_per_minute: rateLimit.optional(),
    settings: settings.default({}),
    credentials: credentials.describe('Validated by the adapter\'s credential schema; stored encrypted, never returned.'),
    webhook_secret: z.string().min(8, 'must be at least 8 characters').max(512).optional(),
  })
  .strict();
export type CreateIntegrationInput = z.infer<typeof CreateIntegrationSchema>;

export const UpdateIntegrationSchema = z
  .object({
    organization_id: organizationId,
    name: name.optional(),
    type: z.string().optional().describe('Cannot change; accepted only when equal to the current type.'),
    base_url: baseUrl.optional(),
    direction: z.enum(SYNC_DIRECTIONS).optional(),
    kind_directions: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be a record kind'), z.enum(SYNC_DIRECTIONS).nullable()).optional().describe('Merged kind by kind; null returns a kind to `direction`.'),
    enabled: z.boolean().optional(),
    conflict_strategy: z.enum(CONFLICT_STRATEGIES).optional(),
    rate_limit_per_minute: rateLimit.optional(),
    settings: z.record(z.string(), z.unknown().nullable()).optional().describe('Merged key by key; null removes a key.'),
    credentials: z.record(z.string(), z.unknown().nullable()).optional().describe('Merged key by key; null removes a key.'),
    webhook_secret: z.string().min(8, 'must be at least 8 characters').max(512).nullable().optional(),
  })
  .strict();
export type UpdateIntegrationInput = z.infer<typeof UpdateIntegrationSchema>;

export const ListIntegrationsQuerySchema = z
  .object({
    organization_id: organizationId,
    type: z.string().optional(),
  })
  .strict();

export const IntegrationSchema = z.object({
  id: z.string(),
  organization_id: z.string(),
  name: z.string(),
  type: z.string(),
  base_url: z.string(),
  direction: z.enum(SYNC_DIRECTIONS),
  kind_directions: z.record(z.string(), z.enum(SYNC_DIRECTIONS)),
  enabled: z.boolean(),
  conflict_strategy: z.enum(CONFLICT_STRATEGIES),
  rate_limit_per_minute: z.number().nullable(),
  settings: settings,
  credentials: z.record(z.string(), z.literal('***')),
  has_webhook_secret: z.boolean(),
  webhook_url: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type IntegrationView = z.infer<typeof IntegrationSchema>;

export const OwnershipRuleInputSchema = z
  .object({
    owner: z.enum(FIELD_OWNERS),
    priority: z.number().int('must be an integer').min(0).max(1_000_000).default(0),
  })
  .strict();

export const OwnershipRuleSchema = z.object({
  field: z.string(),
  owner: z.enum(FIELD_OWNERS),
  priority: z.number().int(),
  updated_at: z.string(),
});

export const fieldName = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be a field name in snake_case (e.g. priority, assignment_group)');

export const ReplaceOwnershipSchema = z
  .object({
    rules: z.array(OwnershipRuleInputSchema.extend({ field: fieldName }).strict()).max(500),
  })
  .strict();

export const ConnectionTestResultSchema = z.object({
  integration_id: z.string(),
  success: z.boolean(),
  checks: z.array(
    z.object({ name: z.string(), passed: z.boolean(), message: z.string(), status: z.number().optional(), duration_ms: z.number().optional() }),
  ),
});
