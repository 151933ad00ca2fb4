/** Where an import's time goes, per stage, summed over files (ms); `bench:import` prints it per file. */
export const IMPORT_STAGES = ['read', 'parse', 'decode', 'pipeline', 'resize', 'hash', 'store', 'messages'] as const;
export type ImportStage = (typeof IMPORT_STAGES)[number];

export interface ImportProfile {
  files: number;
  /** ms summed over files and workers */
  stageMs: Record<ImportStage, number>;
}

export function emptyProfile(): ImportProfile {
  return { files: 0, stageMs: Object.fromEntries(IMPORT_STAGES.map((s) => [s, 0])) as Record<ImportStage, number> };
}

export function addProfiles(a: ImportProfile, b: ImportProfile): ImportProfile {
  const sum = emptyProfile();
  sum.files = a.files + b.files;
  for (const s of IMPORT_STAGES) sum.stageMs[s] = a.stageMs[s] + b.stageMs[s];
  return sum;
}

/** ms spent in a worker on a chunk: every stage but the message passing around it. */
export function workerMs(p: ImportProfile): number {
  return IMPORT_STAGES.reduce((n, s) => (s === 'messages' ? n : n + p.stageMs[s]), 0);
}

/** A stopwatch that charges the time since its last lap to a stage. */
export class StageClock {
  readonly profile = emptyProfile();
  private last = performance.now();

  lap(stage: ImportStage): void {
    const now = performance.now();
    this.profile.stageMs[stage] += now - this.last;
    this.last = now;
  }

  /** restart without charging anything (time spent waiting on something else) */
  skip(): void {
    this.last = performance.now();
  }
}
