export * from './csv';
export * from './labels';
export * from './splits';
export * from './stats';
