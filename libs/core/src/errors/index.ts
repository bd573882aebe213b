export * from './codes';
export * from './HubError';
