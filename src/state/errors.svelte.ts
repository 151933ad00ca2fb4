/**
 * The one visible place for errors: every failure the studio reports ends up here, tagged with where it came
 * from, so that a later success of the same part (a run that completes, an import that finishes) clears it.
 */
import { toErrorData, type StudioErrorData } from '../lib/errors';

export type ErrorOrigin = 'import' | 'training' | 'evaluation' | 'gpu';

export interface ReportedError extends StudioErrorData {
  origin: ErrorOrigin;
}

export class ErrorState {
  /** open errors, oldest first; one per origin */
  private open = $state<ReportedError[]>([]);
  warnings = $state<string[]>([]);

  constructor(private readonly log: (line: string) => void = (line) => console.warn(line)) {}

  /** the error the banner shows: the latest one still open */
  get current(): ReportedError | null {
    return this.open[this.open.length - 1] ?? null;
  }

  report(origin: ErrorOrigin, e: unknown): void {
    const data = toErrorData(e);
    if (data.code === 'cancelled') return;
    this.log(`[${data.code}] ${data.message}`);
    // one cause told twice (the GPU's loss, then the run it broke) stays one message
    if (this.open.some((r) => r.origin !== origin && r.code === data.code && r.message === data.message)) return;
    this.open = [...this.open.filter((r) => r.origin !== origin), { ...data, origin }];
  }

  /** `origin` just did what it failed to do before: its error no longer describes the studio. */
  succeeded(origin: ErrorOrigin): void {
    if (this.open.some((r) => r.origin === origin)) this.open = this.open.filter((r) => r.origin !== origin);
  }

  warn(message: string): void {
    if (!this.warnings.includes(message)) this.warnings.push(message);
  }

  dismiss(): void {
    this.open = this.open.slice(0, -1);
  }
}
