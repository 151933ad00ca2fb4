/** Code-unit order of two strings: the same on every machine and in every locale (localeCompare is neither). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Records in the order of their source path: the order of import, export and the import report. */
export function bySourcePath(a: { sourcePath: string }, b: { sourcePath: string }): number {
  return compareText(a.sourcePath, b.sourcePath);
}
