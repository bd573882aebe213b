export * from './SecretBox';
export * from './apiTokens';
