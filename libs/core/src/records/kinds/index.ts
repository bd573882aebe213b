export * from './RecordKindDefinition';
export * from './fieldRules';
export { INCIDENT_KIND } from './incident';
export { RecordKinds } from './RecordKinds';
