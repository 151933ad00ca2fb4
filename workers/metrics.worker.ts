// Metrics worker: bootstrap intervals, ROC bands and calibration of a scored set, off the page's thread.
import { expose } from 'comlink';
import '../src/platform/comlink-errors';
import { setTrust } from '../src/lib/eval/trust';
expose({ setTrust });
export type MetricsApi = { setTrust: typeof setTrust };
