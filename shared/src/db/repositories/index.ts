export * from './users.repo';
export * from './refresh-tokens.repo';
export * from './creators.repo';
export * from './accounts.repo';
export * from './audit.repo';
