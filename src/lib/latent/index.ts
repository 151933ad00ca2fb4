export * from './projection';
export * from './geometry';
export * from './points';
export * from './appearance';
export * from './csv';
export * from './thumbnail';
