export * from './identifiers';
export * from './sml';
export * from './doctypes';
export * from './smp';
export * from './lookup';
export * from './match';
