/** What to set up on the instance, as the CLI and the console show it (the adapter README has the scripts). */
export const setupSteps = `1. Create a user for the hub with the \`itil\` or \`sn_incident_write\` role (the connection test checks it), or register an OAuth application in *System OAuth > Application Registry* whose user has one, and give its credentials to the integration.
2. Add the system properties \`itsm_hub.webhook_url\` (the integration's webhook URL) and \`itsm_hub.webhook_secret\` (type password2: the integration's webhook secret).
3. Add the script include \`ItsmHubWebhook\` and the *after insert/update* Business Rule on \`incident\` and \`sys_journal_field\` from the adapter README: they sign each delivery with \`X-Hub-Signature-256\`.
4. Or set \`poll_interval_seconds\` to poll instead of receiving webhooks.`;
