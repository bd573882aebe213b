/** What to set up in PagerDuty, as the CLI and the console show it. */
export const setupSteps = `1. Create a REST API key (*Integrations > API Access Keys*), not read-only.
2. Set \`service_id\` (the service incidents are created on) and \`from_email\` (a PagerDuty user's email: PagerDuty requires it on every write).
3. Add a v3 webhook subscription (*Integrations > Generic Webhooks (v3)*) to the integration's webhook URL for the incident events, scoped to that service, and give its signing secret to the integration as the webhook secret.`;
