export * from './SecretBox';
export * from './apiTokens';
export * from './webhookAuth';
