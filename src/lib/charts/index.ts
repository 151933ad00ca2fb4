export * from './export';
export * from './operating-point';
export * from './options';
export * from './scales';
export * from './spec';
export * from './ticks';
