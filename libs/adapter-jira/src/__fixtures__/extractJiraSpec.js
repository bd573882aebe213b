// Regenerates jira-openapi-extract.json from Atlassian's published spec:
//   node libs/adapter-jira/src/__fixtures__/extractJiraSpec.js /path/to/swagger-v3.v3.json
// The spec tests compare this extract with the full spec whenever the full spec is available.
const fs = require('node:fs');
const crypto = require('node:crypto');
const path = require('node:path');

const OPERATIONS = {
  '/rest/api/3/myself': ['get'],
  '/rest/api/3/mypermissions': ['get'],
  '/rest/api/3/user/search': ['get'],
  '/rest/api/3/project/{projectIdOrKey}': ['get'],
  '/rest/api/3/search/jql': ['get', 'post'],
  '/rest/api/3/user': ['get'],
  '/rest/api/3/issue': ['post'],
  '/rest/api/3/issue/{issueIdOrKey}': ['get', 'put'],
  '/rest/api/3/issue/{issueIdOrKey}/transitions': ['get', 'post'],
  '/rest/api/3/issue/{issueIdOrKey}/comment': ['get', 'post'],
};
const SCHEMAS = ['User', 'Permissions', 'UserPermission', 'ErrorCollection', 'SearchAndReconcileResults', 'IssueBean', 'IssueUpdateDetails', 'Comment', 'PageOfComments', 'Transitions', 'IssueTransition', 'CreatedIssue', 'Visibility', 'Project', 'IssueTypeDetails', 'SearchAndReconcileRequestBean'];

function extract(spec) {
  const paths = {};
  for (const [p, methods] of Object.entries(OPERATIONS)) {
    paths[p] = {};
    for (const m of methods) {
      const op = spec.paths[p][m];
      paths[p][m] = {
        operationId: op.operationId,
        query: (op.parameters ?? []).filter((x) => x.in === 'query').map((x) => x.name).sort(),
        responses: Object.keys(op.responses).sort(),
        ...(op.requestBody ? { body: op.requestBody.content['application/json'].schema.$ref.split('/').pop() } : {}),
      };
    }
  }
  const schemas = Object.fromEntries(SCHEMAS.map((name) => [name, Object.keys(spec.components.schemas[name].properties ?? {}).sort()]));
  return { version: spec.info.version, paths, schemas };
}

module.exports = { extract };

if (require.main === module) {
  const source = process.argv[2];
  const raw = fs.readFileSync(source);
  const out = { source: 'swagger-v3.v3.json', sha256: crypto.createHash('sha256').update(raw).digest('hex'), ...extract(JSON.parse(raw.toString('utf8'))) };
  fs.writeFileSync(path.join(__dirname, 'jira-openapi-extract.json'), JSON.stringify(out, null, 2) + '\n');
}
