export * from './http';
export * from './sftp';
export * from './idempotency';
