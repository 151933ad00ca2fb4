/**
 * The studio controls the CLI reads or clicks beyond those of import-step.ts, in one place. A control
 * that the build lacks fails with one line naming the data-testid, so the gap is obvious.
 */
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { StudioError } from '../lib/errors';

export const UI = {
  epochs: 'cfg-epochs',
  batch: 'cfg-batch',
  width: 'cfg-width',
  lr: 'cfg-lr',
  augment: 'cfg-augment',
  posWeight: 'cfg-pos-weight',
  patience: 'cfg-patience',
  seed: 'cfg-seed',
  /** the <details> holding the advanced settings below: open it before filling them */
  advanced: 'cfg-advanced',
  monitor: 'cfg-monitor',
  schedule: 'cfg-schedule',
  imbalance: 'cfg-imbalance',
  gpuBudget: 'cfg-gpu-budget',
  microBatch: 'cfg-micro-batch',
  /** why the last advanced setting typed was refused */
  advancedError: 'cfg-advanced-error',
  train: 'train',
  status: 'train-status',
  progress: 'train-progress',
  historyRow: 'history-row',
  /** how the last run ended and what it changed on its own (a folded last batch, an early stop) */
  trainEnding: 'train-ending',
  resumeRun: 'resume-run',
  /** the stored runs' list (a <details>) */
  runs: 'runs',
  /** one per stored run: data-id, data-status (runs.svelte.ts RunState), data-best-value, data-best-epoch */
  runRow: 'run-row',
  /** where a run loaded from a train.py project was trained */
  runElsewhere: 'run-elsewhere',
  runBest: 'run-best',
  runOpen: 'run-open',
  runResume: 'run-resume',
  runDismiss: 'run-dismiss',
  runDelete: 'run-delete',
  runDeleteConfirm: 'run-delete-confirm',
  runDeleteKeep: 'run-delete-keep',
  weightsInput: 'weights-input',
  weightsSelect: 'weights-select',
  exportModel: 'export-model',
  modelInput: 'model-input',
  /** "Show a trained model": the bundled demo model on its demo data */
  showDemoModel: 'show-demo-model',
  /** its progress; data-phase idle | fetching | importing | loading | ready */
  showcaseStatus: 'showcase-status',
  /** select of evaluated sets: values 'val' | 'test' | 'external:<datasetId>' (evaluation.setKey) */
  evalSet: 'eval-set',
  exportPredictions: 'export-predictions',
  exportMetrics: 'export-metrics',
  camSelect: 'cam-select',
  camCanvas: 'cam-canvas',
  /** select of the layer the maps are read from: values '4' | '3'; every CAM canvas has data-layer and data-cam-size */
  camLayer: 'cam-layer',
  /** why the chosen layer's map is not drawn (under 4×4) and which size to import instead */
  camProblem: 'cam-problem',
  /** the colour scale beside every CAM overlay (a sibling of its canvas) */
  colourBar: 'colour-bar',
  /** peak GPU bytes of the training run, as data-peak-bytes */
  gpuMemory: 'gpu-memory',
  /** the tfjs backend badge: data-backend is empty until the backend is chosen */
  backend: 'backend',
  /** the error banner: data-code holds the StudioError code */
  error: 'error',
  demoCount: 'demo-count',
  tryDemo: 'try-demo',
  /** one per dataset: data-id, data-status ('importing' | 'ready'), data-images */
  datasetRow: 'dataset-row',
  datasetName: 'dataset-name',
  /** the training split's data-mean / data-std */
  datasetStats: 'dataset-stats',
  importSize: 'import-size',
  importSplit: 'import-split',
  importSeed: 'import-seed',
  folderInput: 'folder-input',
  importProgress: 'progress',
  importReport: 'import-report',
  reportCsv: 'report-csv',
  reportSplit: 'report-split',
  reportClass: 'report-class',
  reportEncodings: 'report-encodings',
  reportLeakage: 'report-leakage',
  reportPatientLeakage: 'report-patient-leakage',
  rejections: 'rejections',
  exportZip: 'export-zip',
  exportProject: 'export-project',
  exportProjectDicom: 'export-project-dicom',
  externalRunInput: 'external-run-input',
  externalRunLoaded: 'external-run-loaded',
  exportPseudonymise: 'export-pseudonymise',
  storage: 'storage',
  storageEphemeral: 'storage-ephemeral',
  rename: 'rename',
  renameInput: 'rename-input',
  renameSave: 'rename-save',
  delete: 'delete',
  browse: 'browse',
  browseSplit: 'browse-split',
  browseClass: 'browse-class',
  browseRejected: 'browse-rejected',
  thumbnail: 'thumbnail',
  imageViewer: 'image-viewer',
  viewerCanvas: 'viewer-canvas',
  viewerMetadata: 'viewer-metadata',
  metrics: 'metrics',
  openReport: 'open-report',
  report: 'report',
  metricAccuracy: 'metric-accuracy',
  metricAuc: 'metric-auc',
  metricRecall: 'metric-recall',
  metricSpecificity: 'metric-specificity',
  /** beside each binary figure: its bootstrap interval as text, data-metric, data-low, data-high ('' while computed) */
  metricInterval: 'ci',
  /** the ROC curve's bootstrap band: data-band on its chart is the number of FPR grid points drawn */
  targetSpecificity: 'target-specificity',
  presetSpecificity: 'preset-specificity',
  /** calibration of the shown set: data-temperature, data-ece (after the temperature when one is applied) */
  calibration: 'calibration',
  calibrate: 'calibrate',
  uncalibrate: 'uncalibrate',
  eceBefore: 'ece-before',
  eceAfter: 'ece-after',
  /** the reliability diagram: data-bins, data-ece */
  reliability: 'reliability',
  /** explanation sanity checks: data-state idle | running | done; one explanationCheck per method (data-method, data-deletion-map, data-deletion-random, data-randomised-layer4) */
  explanationChecks: 'explanation-checks',
  runExplanationChecks: 'run-explanation-checks',
  explanationCheck: 'explanation-check',
  explanationVerdicts: 'explanation-verdicts',
  /** writes model-card.md and model-card.json */
  exportModelCard: 'export-model-card',
  cardIntendedUse: 'card-intended-use',
  cardLimitations: 'card-limitations',
  /** the decision threshold slider (0–1) of a binary model */
  threshold: 'threshold',
  camOpacity: 'cam-opacity',
  teacherToggle: 'teacher-toggle',
  teacherStatus: 'teacher-status',
  teacherCam: 'teacher-cam',
  pointingGame: 'pointing-game',
  inferInput: 'infer-input',
  inferCam: 'infer-cam',
  inferProbability: 'infer-probability',
  inferClass: 'infer-class',
  presets: 'presets',
  measureSpeed: 'measure-speed',
  presetLiveDemo: 'preset-live-demo',
  presetFullRecipe: 'preset-full-recipe',
  /** a chart figure: data-chart ('step' | 'epoch' | 'roc' | 'pr'), data-title, data-x-ticks, data-y-axes
   * ('left:loss|right:…'), data-marker-px (operating point in canvas pixels), data-operating-x / -y */
  chart: 'chart',
  /** inside a chart: saves it as a PNG */
  chartPng: 'chart-png',
  /** the guide above the panels: data-step is the current step ('data' | 'train' | 'evaluate' | 'explain') */
  guide: 'guide',
  /** one link per step: data-step, data-state ('done' | 'current' | 'todo'), aria-current="step" on the current one */
  guideStep: 'guide-step',
  guideHint: 'guide-hint',
  /** the offline line in the header: data-status 'off' | 'ready' | 'update' | 'failed' (src/platform/offline.ts) */
  offline: 'offline',
  // dataset audit
  /** toggles the audit report of the selected dataset */
  auditOpen: 'audit-open',
  /** the audit report: data-dataset, data-state 'ready' | 'missing' (imported before the audit existed), data-pairs (all found), data-threshold */
  audit: 'audit',
  /** one shortcut warning: data-attribute (viewPosition, manufacturer …), data-v (Cramér's V) */
  auditShortcut: 'audit-shortcut',
  /** the near-duplicate leakage warning: data-splits "train|test,train|val" */
  auditLeakage: 'audit-leakage',
  /** one near-duplicate pair shown side by side: data-a, data-b (image ids), data-distance, data-splits "train|test", data-exact */
  auditPair: 'audit-pair',
  /** a pair's thumbnail canvas: data-drawn once its pixels are painted */
  auditThumb: 'audit-thumb',
  auditPairsPrev: 'audit-pairs-prev',
  auditPairsNext: 'audit-pairs-next',
  /** one row of the per-split table: data-split, data-images, data-patients */
  auditSplit: 'audit-split',
  /** one attribute's table: data-attribute */
  auditAttribute: 'audit-attribute',
  /** downloads: the audit as JSON, the near-duplicate pairs as CSV, the tables as CSV */
  auditJson: 'audit-json',
  auditCsv: 'audit-csv',
  auditTablesCsv: 'audit-tables-csv',
  // latent map
  /** the latent map's section: data-phase idle | features | projecting | ready, data-features-ms, data-projection-ms */
  latentMap: 'latent-map',
  latentSet: 'latent-set',
  latentMethod: 'latent-method',
  latentColour: 'latent-colour',
  /** at most this many points (a seeded sample of a larger set) */
  latentLimit: 'latent-limit',
  latentCompute: 'latent-compute',
  latentCancel: 'latent-cancel',
  /** the map: data-points, data-transform "a,b,c,d" (CSS px from its top-left corner = (a·x + b, c·y + d)), data-drawn (points drawn) */
  latentCanvas: 'latent-canvas',
  /** one per colour category: data-category, data-colour, data-count */
  latentLegend: 'latent-legend',
  latentTooltip: 'latent-tooltip',
  /** the box selection's gallery: data-count (images selected) */
  latentSelection: 'latent-selection',
  /** one per selected image with its CAM: data-id */
  latentTile: 'latent-tile',
  latentPng: 'latent-png',
  latentCsv: 'latent-csv',
  latentEdit: 'latent-edit',
  // revisions and run comparison
  /** a confusion-matrix cell as a button: data-actual, data-predicted (class indices), data-count */
  confusionCell: 'confusion-cell',
  /** a mistake gallery tile's select box: data-id */
  gallerySelect: 'gallery-select',
  /** the curation section: data-selected, data-pending (edits marked, not saved) */
  curation: 'curation',
  /** one selected image: data-id, data-label */
  curationImage: 'curation-image',
  /** its tick: marks apply to the ticked images */
  curationPick: 'curation-pick',
  curationRelabelTo: 'curation-relabel-to',
  curationRelabel: 'curation-relabel',
  curationReason: 'curation-reason',
  curationExclude: 'curation-exclude',
  /** one marked edit: data-id, data-kind ('relabel' | 'exclude') */
  curationEdit: 'curation-edit',
  curationSave: 'curation-save',
  /** trains the revision saved last with the page's training settings */
  curationTrain: 'curation-train',
  /** one row per dataset of the family (imported first): data-id, data-relabelled, data-excluded, data-images */
  revisionRow: 'revision-row',
  /** in a revision's row: its edits as CSV */
  revisionCsv: 'revision-csv',
  revisionDiffFrom: 'revision-diff-from',
  revisionDiffTo: 'revision-diff-to',
  /** one image whose fate differs between the two: data-id */
  revisionDiffRow: 'revision-diff-row',
  /** in the dataset list: "revision N of <parent>" */
  datasetRevisionOf: 'dataset-revision-of',
  /** the run comparison: data-left, data-right (run ids) */
  compare: 'compare',
  compareLeft: 'compare-left',
  compareRight: 'compare-right',
  compareSet: 'compare-set',
  /** one row per run: data-run, data-auc, data-ap, data-accuracy, data-sensitivity, data-specificity */
  compareRun: 'compare-run',
  /** one changed image: data-id, data-before, data-after */
  compareChange: 'compare-change',
} as const;

export const sel = (testId: string) => `[data-testid="${testId}"]`;

export async function has(page: Page, testId: string): Promise<boolean> {
  return (await page.locator(sel(testId)).count()) > 0;
}

export async function need(page: Page, testId: string, why: string): Promise<void> {
  if (!(await has(page, testId))) throw new StudioError('internal', `The studio has no "${testId}" control, needed ${why}.`);
}

export async function fill(page: Page, testId: string, value: string | number, why: string): Promise<void> {
  await need(page, testId, why);
  const input = page.locator(sel(testId));
  await input.fill(String(value));
  await input.dispatchEvent('change');
}

/** Click a download control and return the file's bytes. */
export async function downloadBytes(page: Page, testId: string, why: string, timeoutMs = 600_000): Promise<{ name: string; bytes: Uint8Array }> {
  await need(page, testId, why);
  const [file] = await Promise.all([page.waitForEvent('download', { timeout: timeoutMs }), page.click(sel(testId))]);
  return { name: file.suggestedFilename(), bytes: new Uint8Array(await readFile(await file.path())) };
}
