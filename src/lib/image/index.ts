export { letterboxArea, resizeArea, toUint8 } from './resize';
export { renderToModelSize, type ModelFit } from './model-input';
