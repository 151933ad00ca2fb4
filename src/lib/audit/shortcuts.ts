/**
 * Shortcut warnings: an acquisition attribute that predicts the label. The measure is Cramér's V between the
 * attribute's value and the class over the labelled images that have the attribute, with values seen on fewer than
 * MIN_VALUE_COUNT images pooled as one "other" value (so per-image values such as a unique pixel spacing cannot look
 * predictive). V ≥ SHORTCUT_V warns: 1 is "the value gives the class away", 0.5 is a large association by Cohen's
 * rule of thumb; every PNEUMONIA image AP and every NORMAL image PA is V = 1.
 */
import { ATTRIBUTE_NAMES, attributeValue } from './attributes';
import { AUDIT_ATTRIBUTES, type AuditAttribute, type AuditImage, type ShortcutWarning } from './types';

export const SHORTCUT_V = 0.5;
export const MIN_VALUE_COUNT = 5;
const OTHER = '(other values)';

/** Cramér's V of a contingency table (rows: values, columns: classes), 0 when it has fewer than two rows or columns. */
export function cramersV(table: number[][]): number {
  const rows = table.filter((r) => r.some((v) => v > 0));
  const columnTotals = rows[0] ? rows[0].map((_, c) => rows.reduce((s, r) => s + r[c], 0)) : [];
  const columns = columnTotals.filter((t) => t > 0).length;
  const n = columnTotals.reduce((s, t) => s + t, 0);
  if (rows.length < 2 || columns < 2 || n === 0) return 0;
  let chi2 = 0;
  for (const r of rows) {
    const rowTotal = r.reduce((s, v) => s + v, 0);
    r.forEach((v, c) => {
      if (columnTotals[c] === 0) return;
      const expected = (rowTotal * columnTotals[c]) / n;
      chi2 += (v - expected) ** 2 / expected;
    });
  }
  return Math.sqrt(chi2 / (n * (Math.min(rows.length, columns) - 1)));
}

function percent(share: number): string {
  return share === 1 ? 'every' : `${Math.round(share * 100)} % of`;
}

function shortcutFor(images: AuditImage[], classes: string[], attribute: AuditAttribute): ShortcutWarning | null {
  const labelled = images.flatMap((m) => {
    const value = attributeValue(m, attribute);
    return value !== undefined && m.label >= 0 && m.label < classes.length ? [{ value, label: m.label }] : [];
  });
  const frequency = new Map<string, number>();
  for (const { value } of labelled) frequency.set(value, (frequency.get(value) ?? 0) + 1);
  const pooled = (v: string) => ((frequency.get(v) ?? 0) >= MIN_VALUE_COUNT ? v : OTHER);
  const table = new Map<string, number[]>();
  for (const { value, label } of labelled) {
    const key = pooled(value);
    const row = table.get(key) ?? new Array<number>(classes.length).fill(0);
    row[label]++;
    table.set(key, row);
  }
  const v = cramersV([...table.values()]);
  if (v < SHORTCUT_V) return null;
  const dominant = classes.flatMap((className, c) => {
    const counts = [...table.entries()].map(([value, row]) => ({ value, count: row[c] })).sort((a, b) => b.count - a.count);
    const inClass = counts.reduce((s, e) => s + e.count, 0);
    return inClass > 0 ? [{ className, value: counts[0].value, share: counts[0].count / inClass }] : [];
  });
  const name = ATTRIBUTE_NAMES[attribute];
  const parts = dominant.map((d, i) => `${percent(d.share)} ${d.className} image${d.share === 1 ? ' is' : 's are'} ${d.value}`.replace(/^(\w)/, (s) => (i === 0 ? s.toUpperCase() : s)));
  const message = `${parts.join(' and ')} (${name}, Cramér's V ${v.toFixed(2)}): the model can learn the ${name} instead of the disease.`;
  return { attribute, cramersV: v, dominant, message };
}

/** One warning per attribute whose association with the label reaches SHORTCUT_V, strongest first. */
export function findShortcuts(images: AuditImage[], classes: string[]): ShortcutWarning[] {
  return AUDIT_ATTRIBUTES.flatMap((a) => shortcutFor(images, classes, a) ?? []).sort((x, y) => y.cramersV - x.cramersV);
}
