export * from './rules';
export * from './template';
