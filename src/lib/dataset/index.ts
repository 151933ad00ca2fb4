export * from './csv';
export * from './labels';
export * from './order';
export * from './splits';
export * from './stats';
