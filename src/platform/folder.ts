/** File access: directory picker, <input webkitdirectory> and drag-and-drop, all recursive. */
export interface PickedFile {
  file: File;
  /** path relative to the picked folder, "/"-separated */
  path: string;
}

interface DirectoryHandleLike {
  kind: 'directory';
  name: string;
  values(): AsyncIterable<DirectoryHandleLike | FileHandleLike>;
}
interface FileHandleLike {
  kind: 'file';
  name: string;
  getFile(): Promise<File>;
}

export const canPickDirectory = typeof (globalThis as { showDirectoryPicker?: unknown }).showDirectoryPicker === 'function';

async function walkHandle(dir: DirectoryHandleLike, prefix: string, out: PickedFile[]): Promise<void> {
  for await (const entry of dir.values()) {
    if (entry.kind === 'file') out.push({ file: await entry.getFile(), path: prefix + entry.name });
    else await walkHandle(entry, `${prefix}${entry.name}/`, out);
  }
}

/** showDirectoryPicker; null when the person closes the dialog. */
export async function pickDirectory(): Promise<{ name: string; files: PickedFile[] } | null> {
  const picker = (globalThis as unknown as { showDirectoryPicker: () => Promise<DirectoryHandleLike> }).showDirectoryPicker;
  let dir: DirectoryHandleLike;
  try {
    dir = await picker();
  } catch (e) {
    if ((e as { name?: string }).name === 'AbortError') return null;
    throw e;
  }
  const files: PickedFile[] = [];
  await walkHandle(dir, '', files);
  return { name: dir.name, files };
}

/** Files of an <input webkitdirectory>: webkitRelativePath starts with the folder's own name. */
export function filesFromInput(list: FileList): { name: string; files: PickedFile[] } {
  const files = Array.from(list).map((file) => {
    const rel = file.webkitRelativePath || file.name;
    return { file, path: rel.includes('/') ? rel.slice(rel.indexOf('/') + 1) : rel };
  });
  const first = list[0]?.webkitRelativePath ?? '';
  return { name: first.includes('/') ? first.slice(0, first.indexOf('/')) : 'folder', files };
}

function readEntries(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve, reject) => reader.readEntries(resolve, reject));
}

async function walkEntry(entry: FileSystemEntry, prefix: string, out: PickedFile[]): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push({ file, path: prefix + entry.name });
    return;
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  // readEntries returns at most ~100 entries per call: read until empty
  for (let batch = await readEntries(reader); batch.length > 0; batch = await readEntries(reader)) {
    for (const child of batch) await walkEntry(child, `${prefix}${entry.name}/`, out);
  }
}

/** Dropped folders and files; a single dropped folder becomes the root. */
export async function filesFromDrop(items: DataTransferItemList): Promise<{ name: string; files: PickedFile[] }> {
  const entries = Array.from(items)
    .map((i) => i.webkitGetAsEntry())
    .filter((e): e is FileSystemEntry => e !== null);
  const files: PickedFile[] = [];
  if (entries.length === 1 && entries[0].isDirectory) {
    const root = entries[0];
    const reader = (root as FileSystemDirectoryEntry).createReader();
    for (let batch = await readEntries(reader); batch.length > 0; batch = await readEntries(reader)) {
      for (const child of batch) await walkEntry(child, '', files);
    }
    return { name: root.name, files };
  }
  for (const e of entries) await walkEntry(e, '', files);
  return { name: 'dropped files', files };
}
