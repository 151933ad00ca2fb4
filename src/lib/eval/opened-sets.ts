/**
 * Datasets opened for evaluation besides the training one (external test sets), kept while their stored
 * version stays the same, with an index from image id to its dataset and metadata (one Map lookup per image).
 */
export interface ImageMeta {
  id: string;
  sourcePath: string;
}

export interface OpenableSet<M extends ImageMeta = ImageMeta> {
  metas: readonly M[];
}

interface Opened<S> {
  version: string;
  set: S;
}

export class OpenedSets<M extends ImageMeta, S extends OpenableSet<M>> {
  private readonly sets = new Map<string, Opened<S>>();
  private readonly owners = new Map<string, { set: S; meta: M }>();

  /**
   * The set `id` as opened before when `version` is unchanged, else `open()`'s (which replaces it). A set
   * that fails to open is forgotten.
   */
  async get(id: string, version: string, open: () => Promise<S>): Promise<S> {
    const known = this.sets.get(id);
    if (known && known.version === version) return known.set;
    this.forget(id);
    const set = await open();
    this.forget(id); // another call may have opened it meanwhile
    this.sets.set(id, { version, set });
    for (const meta of set.metas) this.owners.set(meta.id, { set, meta });
    return set;
  }

  /** Drop the set `id` (deleted or imported again): it is opened anew on next use. */
  forget(id: string): void {
    const known = this.sets.get(id);
    if (!known) return;
    this.sets.delete(id);
    for (const meta of known.set.metas) if (this.owners.get(meta.id)?.set === known.set) this.owners.delete(meta.id);
  }

  /** The opened set holding image `imageId`, with its metadata. */
  find(imageId: string): { set: S; meta: M } | undefined {
    return this.owners.get(imageId);
  }
}

const indexes = new WeakMap<readonly ImageMeta[], Map<string, ImageMeta>>();

/** Metadata by image id, built once per metas array. */
export function metaById<M extends ImageMeta>(metas: readonly M[]): ReadonlyMap<string, M> {
  let index = indexes.get(metas);
  if (!index) {
    index = new Map(metas.map((m) => [m.id, m]));
    indexes.set(metas, index);
  }
  return index as Map<string, M>;
}

/**
 * Loads `ids` with one `load` call per owner (e.g. one storage transaction per dataset) and returns the
 * results in the order of `ids`. `ownerOf` throws for an id that belongs to no owner.
 */
export async function loadByOwner<O, T>(ids: readonly string[], ownerOf: (id: string) => O, load: (owner: O, ids: string[]) => Promise<T[]>): Promise<T[]> {
  const groups = new Map<O, number[]>();
  ids.forEach((id, i) => {
    const owner = ownerOf(id);
    const positions = groups.get(owner);
    if (positions) positions.push(i);
    else groups.set(owner, [i]);
  });
  const out = new Array<T>(ids.length);
  for (const [owner, positions] of groups) {
    const loaded = await load(owner, positions.map((i) => ids[i]));
    positions.forEach((p, k) => (out[p] = loaded[k]));
  }
  return out;
}
