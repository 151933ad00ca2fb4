export * from './pointing-game';
export * from './predictions-csv';
export * from './report';
export * from './summary';
export * from './cam-zip';
export * from './explain';
export * from './exports';
