/** What to set up in Jira, as the CLI and the console show it. */
export const setupSteps = `1. Create an API token for the Atlassian account the hub acts as (id.atlassian.com > Security > API tokens); the account needs *Browse projects*, *Create issues*, *Edit issues*, *Transition issues* and *Add comments* in the project.
2. Set \`project_key\` (the project issues are created in) and, if it is not *Incident*, \`issue_type\`.
3. In *Settings > System > WebHooks*, create a webhook to the integration's webhook URL with the integration's webhook secret as its **secret**, events *Issue: created, updated* and *Comment: created*, and a JQL filter such as \`project = OPS\`.`;
