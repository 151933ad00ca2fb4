export * from './activations';
export * from './binary';
export * from './curves';
export * from './multiclass';
export * from './bootstrap';
export * from './calibration';
export * from './roc-band';
