/** The one visible place for errors: every failure the studio reports ends up here. */
import { toErrorData, type StudioErrorData } from '../lib/errors';

class ErrorState {
  current = $state<StudioErrorData | null>(null);
  warnings = $state<string[]>([]);

  report(e: unknown): void {
    const data = toErrorData(e);
    if (data.code === 'cancelled') return;
    console.warn(`[${data.code}] ${data.message}`);
    this.current = data;
  }

  warn(message: string): void {
    if (!this.warnings.includes(message)) this.warnings.push(message);
  }

  dismiss(): void {
    this.current = null;
  }
}

export const errors = new ErrorState();
