/** Browser storage: how much this origin uses, its quota, and persistent storage (no eviction under pressure). */
import { getTrainingWorker } from './workers';

export interface StorageInfo {
  usageBytes: number;
  quotaBytes: number;
  /** true when the browser promised not to evict this origin's data */
  persisted: boolean;
  /** a private window / fresh profile: everything stored is deleted when it closes (null: unknown) */
  ephemeral: boolean | null;
}

let ephemeralProbe: Promise<boolean | null> | undefined;

/** null where the Storage API is missing (old browsers, some private modes). */
export async function storageInfo(): Promise<StorageInfo | null> {
  const storage = globalThis.navigator?.storage;
  if (!storage?.estimate) return null;
  const { usage = 0, quota = 0 } = await storage.estimate();
  const persisted = storage.persisted ? await storage.persisted() : false;
  ephemeralProbe ??= getTrainingWorker().isEphemeralProfile();
  return { usageBytes: usage, quotaBytes: quota, persisted, ephemeral: await ephemeralProbe };
}

/** Ask for persistent storage; resolves whether it is granted (Chromium decides silently, Firefox asks). */
export async function requestPersistentStorage(): Promise<boolean> {
  const storage = globalThis.navigator?.storage;
  if (!storage?.persist) return false;
  if (storage.persisted && (await storage.persisted())) return true;
  return storage.persist();
}
