export { DEMO_DEFAULTS, demoId, demoLabel, demoPatientId, generateDemoImage, generateDemoScene } from './generate';
export type { DemoImage, DemoOptions, DemoScene } from './generate';
