export { DEMO_DEFAULTS, demoId, demoLabel, generateDemoImage, generateDemoScene } from './generate';
export type { DemoImage, DemoOptions, DemoScene } from './generate';
