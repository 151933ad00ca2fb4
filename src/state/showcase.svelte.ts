/**
 * "Show a trained model": the bundled demo model on the demo dataset it was trained on (rebuilt image for image
 * from its card), evaluated and explained at once, without training. Its held-out val/test images are the
 * ones the model never saw.
 */
import { demoDatasetId, type DemoModelCard } from '../lib/demo/demo-model';
import type { TrainConfig } from '../lib/train/config';
import type { DatasetRecord } from '../platform/db';
import type { DemoModelFile } from '../platform/demo-model';
import type { ErrorState } from './errors.svelte';

export interface ShowcaseDeps {
  fetchModel(): Promise<DemoModelFile>;
  datasets: {
    list: DatasetRecord[];
    selectedId: string | null;
    importDemo(options: { count: number; size: number; seed: number }): Promise<void>;
  };
  training: {
    /** true when the model is loaded and evaluation was told */
    loadModelBytes(datasetId: string, name: string, bytes: Uint8Array, config: Partial<TrainConfig>): Promise<boolean>;
  };
  errors: ErrorState;
  warn?: (message: string) => void;
}

export type ShowcasePhase = 'idle' | 'fetching' | 'importing' | 'loading' | 'ready';

/** the demo data's statistics moved more than this since the model was made: the model no longer matches it */
const STATS_TOLERANCE = 1e-3;

export class ShowcaseState {
  phase = $state<ShowcasePhase>('idle');
  card = $state<DemoModelCard | null>(null);

  constructor(private readonly deps: ShowcaseDeps) {}

  get busy(): boolean {
    return this.phase === 'fetching' || this.phase === 'importing' || this.phase === 'loading';
  }

  async show(): Promise<void> {
    if (this.busy) return;
    const { datasets, training, errors } = this.deps;
    try {
      this.phase = 'fetching';
      const file = await this.deps.fetchModel();
      const { card } = file;
      const id = demoDatasetId(card);
      const stored = () => datasets.list.find((d) => d.id === id && d.status === 'ready');
      if (!stored()) {
        this.phase = 'importing';
        await datasets.importDemo({ count: card.count, size: card.size, seed: card.seed });
        // cancelled or failed: the import says why in its own place
        if (!stored()) return void (this.phase = 'idle');
      }
      datasets.selectedId = id;
      const stats = stored()?.stats;
      if (stats && (Math.abs(stats.mean - card.mean) > STATS_TOLERANCE || Math.abs(stats.std - card.std) > STATS_TOLERANCE)) {
        errors.warn(
          `The demo data no longer matches the bundled model's (mean/std ${stats.mean.toFixed(4)}/${stats.std.toFixed(4)}, model made on ${card.mean.toFixed(4)}/${card.std.toFixed(4)}): its CAMs may be off; rebuild it with \`npm run demo-model\`.`,
        );
      }
      this.phase = 'loading';
      const loaded = await training.loadModelBytes(id, file.name, file.bytes, {
        imageSize: card.size,
        widthMultiplier: card.width,
        epochs: card.epochs,
        batchSize: card.batch,
        lr: card.lr,
      });
      this.card = card;
      this.phase = loaded ? 'ready' : 'idle';
    } catch (e) {
      this.phase = 'idle';
      errors.report('training', e);
    }
  }
}
