export * from './csv';
export * from './labels';
export * from './order';
export * from './splits';
export * from './stats';
export * from './import-profile';
export * from './folder-plan';
