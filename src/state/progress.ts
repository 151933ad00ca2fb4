/** Counts, rate and ETA for a progress bar. */
export interface Progress {
  label: string;
  done: number;
  total: number;
  startedAt: number;
  /** seconds left at the current pace; undefined until measurable */
  etaSeconds?: number;
}

/** `now`: milliseconds on a monotonic clock (performance.now in the page) */
export function startProgress(label: string, total: number, now = performance.now()): Progress {
  return { label, done: 0, total, startedAt: now };
}

export function advance(p: Progress, done: number, now = performance.now()): Progress {
  const elapsed = (now - p.startedAt) / 1000;
  const rate = done / Math.max(elapsed, 1e-3);
  return { ...p, done, etaSeconds: done > 0 ? (p.total - done) / rate : undefined };
}

export function formatEta(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return 'estimating…';
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  const m = Math.floor(seconds / 60);
  return m < 60 ? `${m} min ${Math.round(seconds % 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}
