/**
 * The stored training runs as the page lists them: reopen a finished one, resume one a closed tab broke off,
 * dismiss or delete one. Whether a run marked 'running' is live is asked of the studio's other tabs.
 */
import type { Monitor, TrainConfig } from '../lib/train/config';
import type { EpochRecord } from '../lib/train/trainer';
import type { RunRecord } from '../platform/db';
import type { OtherTabs, RunStore, RunTabMessage, TrainingEvents } from './deps';
import type { ErrorState } from './errors.svelte';
import type { Emitter } from './events';

/** how long a starting tab waits for the training tabs to answer 'who-trains' */
export const OTHER_TABS_WAIT_MS = 300;

export interface RunsDeps {
  store: RunStore;
  errors: ErrorState;
  /** this tab's runs: 'run-stored' and 'run-ended' */
  trainingEvents: Emitter<TrainingEvents>;
  /** load a finished run's model into the training worker (TrainingState.reopen) */
  reopen(run: RunRecord): Promise<void>;
  /** continue a run from its newest checkpoint (TrainingState.resumeRun) */
  resume(run: RunRecord): Promise<void>;
  /** make the run's dataset the selected one */
  selectDataset(id: string): void;
  /** the stored dataset's name; undefined while it is not listed (a deleted dataset took its runs along) */
  datasetName(id: string): string | undefined;
  tabs?: OtherTabs<RunTabMessage>;
  /** stored bytes went away (a deleted run): the storage figure follows */
  freed?: () => void;
  pause?: (ms: number) => Promise<void>;
}

/**
 * running: trained by this tab; elsewhere: by another open tab; checking: asking the other tabs; interrupted:
 * marked running with no tab training it (resumable) or dismissed as such (stored 'interrupted').
 */
export type RunState = 'running' | 'elsewhere' | 'checking' | 'interrupted' | 'done' | 'cancelled' | 'failed';

export interface BestMetric {
  monitor: Monitor;
  value: number;
  epoch: number;
}

export interface RunRow {
  run: RunRecord;
  datasetName: string;
  state: RunState;
  summary: string;
  best: BestMetric | null;
  /** epochs of the checkpoints it keeps */
  checkpoints: number[];
  resumable: boolean;
  reopenable: boolean;
  /** a live run is deleted once it ended */
  deletable: boolean;
}

/** "224 px · width ×0.125 · batch 32 · 3 epochs" */
export function describeConfig(cfg: Pick<TrainConfig, 'imageSize' | 'widthMultiplier' | 'batchSize' | 'epochs'>): string {
  return `${cfg.imageSize} px · width ×${cfg.widthMultiplier} · batch ${cfg.batchSize} · ${cfg.epochs} epoch${cfg.epochs === 1 ? '' : 's'}`;
}

const MONITOR_FIELD: Record<Monitor, keyof EpochRecord> = { auc: 'valAuc', f1: 'valF1', loss: 'valLoss' };
export const MONITOR_LABEL: Record<Monitor, string> = { auc: 'val AUC', f1: 'val F1', loss: 'val loss' };

/** The history's best value of the run's monitor (loss lowest, AUC and F1 highest); null while none is a number. */
export function bestMetric(history: EpochRecord[], monitor: Monitor): BestMetric | null {
  let best: BestMetric | null = null;
  for (const h of history) {
    const value = h[MONITOR_FIELD[monitor]] as number;
    if (!Number.isFinite(value)) continue;
    if (!best || (monitor === 'loss' ? value < best.value : value > best.value)) best = { monitor, value, epoch: h.epoch };
  }
  return best;
}

/** the run a reload broke off most recently (what "Resume interrupted run" offers) */
export function latestInterrupted(rows: RunRow[]): RunRow | null {
  return rows.filter((r) => r.resumable).sort((a, b) => b.run.createdAt - a.run.createdAt)[0] ?? null;
}

export class RunsState {
  private stored = $state.raw<RunRecord[]>([]);
  private kept = $state.raw<Map<string, number[]>>(new Map());
  /** the run this tab trains now */
  private ownRun = $state<string | null>(null);
  /** runs other open tabs said they train */
  private elsewhere = $state<string[]>([]);
  /** the other tabs had their chance to claim their runs */
  private checked = $state(false);
  /** the list was read once (after the other tabs' answers) */
  loaded = $state(false);
  /** the run whose delete waits for confirmation */
  confirmingDelete = $state<string | null>(null);
  /** a reopen, resume, dismiss or delete is under way */
  busy = $state(false);
  private refreshes = 0;

  constructor(private readonly deps: RunsDeps) {
    deps.tabs?.subscribe((m) => void this.fromOtherTab(m));
    deps.trainingEvents.on('run-stored', ({ runId }) => {
      this.ownRun = runId;
      this.tell({ kind: 'training', runId, active: true });
      return this.refresh();
    });
    deps.trainingEvents.on('run-ended', ({ runId }) => {
      if (this.ownRun === runId) this.ownRun = null;
      this.tell({ kind: 'training', runId, active: false });
      return this.refresh();
    });
  }

  /**
   * This tab closes (pagehide): its run stops with it, so the other tabs stop showing it as trained here and offer
   * it for resuming at once instead of after their next reload.
   */
  leaving(): void {
    if (this.ownRun) this.tell({ kind: 'training', runId: this.ownRun, active: false });
  }

  private tell(message: RunTabMessage): void {
    this.deps.tabs?.post(message);
  }

  private async fromOtherTab(m: RunTabMessage): Promise<void> {
    if (m.kind === 'who-trains') {
      if (this.ownRun) this.tell({ kind: 'training', runId: this.ownRun, active: true });
      return;
    }
    if (m.kind === 'training') {
      const others = this.elsewhere.filter((id) => id !== m.runId);
      this.elsewhere = m.active ? [...others, m.runId] : others;
    }
    await this.refresh();
  }

  /** At start-up: ask the other tabs which runs they train, then list the runs. */
  async load(): Promise<void> {
    if (this.deps.tabs) {
      this.tell({ kind: 'who-trains' });
      await (this.deps.pause ?? ((ms) => new Promise((r) => setTimeout(r, ms))))(OTHER_TABS_WAIT_MS);
    }
    this.checked = true;
    await this.refresh();
    this.loaded = true;
  }

  async refresh(): Promise<void> {
    const mine = ++this.refreshes;
    try {
      const [stored, kept] = await Promise.all([this.deps.store.list(), this.deps.store.checkpointEpochs()]);
      if (mine !== this.refreshes) return;
      this.stored = stored;
      this.kept = kept;
    } catch (e) {
      this.deps.errors.report('training', e);
    }
  }

  private stateOf(run: RunRecord): RunState {
    if (run.status !== 'running' && run.status !== 'paused') return run.status;
    if (run.id === this.ownRun) return 'running';
    if (this.elsewhere.includes(run.id)) return 'elsewhere';
    return this.checked ? 'interrupted' : 'checking';
  }

  /** the runs of listed datasets, newest first */
  get rows(): RunRow[] {
    const rows: RunRow[] = [];
    for (const run of this.stored) {
      const datasetName = this.deps.datasetName(run.datasetId);
      if (datasetName === undefined) continue;
      const state = this.stateOf(run);
      const checkpoints = this.kept.get(run.id) ?? [];
      const live = state === 'running' || state === 'elsewhere' || state === 'checking';
      rows.push({
        run,
        datasetName,
        state,
        summary: describeConfig(run.config),
        best: bestMetric(run.history ?? [], run.config.monitor),
        checkpoints,
        resumable: state === 'interrupted' && run.status !== 'interrupted',
        reopenable: !live && checkpoints.length > 0,
        deletable: !live,
      });
    }
    return rows.sort((a, b) => b.run.createdAt - a.run.createdAt);
  }

  get latestInterrupted(): RunRow | null {
    return latestInterrupted(this.rows);
  }

  private row(id: string): RunRow | undefined {
    return this.rows.find((r) => r.run.id === id);
  }

  private async act(work: () => Promise<void>): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      await work();
    } catch (e) {
      this.deps.errors.report('training', e);
    } finally {
      this.busy = false;
    }
  }

  /** Load a finished run's model with its history and configuration, its dataset selected; evaluation follows. */
  async reopen(id: string): Promise<void> {
    const row = this.row(id);
    if (!row?.reopenable) return;
    await this.act(async () => {
      this.deps.selectDataset(row.run.datasetId);
      await this.deps.reopen(row.run);
    });
  }

  /** Continue an interrupted run from its newest checkpoint. */
  async resume(id: string): Promise<void> {
    const row = this.row(id);
    if (!row?.resumable) return;
    this.deps.selectDataset(row.run.datasetId);
    // not `act`: the run lasts as long as training does, and this tab's run shows as running meanwhile
    await this.deps.resume(row.run);
  }

  /** An interrupted run is not offered for resuming any more; it stays listed (and reopenable from its checkpoint). */
  async dismiss(id: string): Promise<void> {
    const row = this.row(id);
    if (!row?.resumable) return;
    await this.act(async () => {
      await this.deps.store.setStatus(id, 'interrupted');
      await this.refresh();
      this.tell({ kind: 'runs-changed' });
    });
  }

  askDelete(id: string): void {
    if (this.row(id)?.deletable) this.confirmingDelete = id;
  }

  keep(): void {
    this.confirmingDelete = null;
  }

  /** Delete the run whose delete was asked for, with its checkpoints. */
  async confirmDelete(): Promise<void> {
    const id = this.confirmingDelete;
    this.confirmingDelete = null;
    if (!id || !this.row(id)?.deletable) return;
    await this.act(async () => {
      await this.deps.store.remove(id);
      this.deps.freed?.();
      await this.refresh();
      this.tell({ kind: 'runs-changed' });
    });
  }
}
