export * from './activations';
export * from './binary';
export * from './curves';
export * from './multiclass';
