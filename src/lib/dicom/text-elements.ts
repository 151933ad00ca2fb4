import type { DataSet } from 'dicom-parser';
import { STRING_VRS, TEXT_DICTIONARY } from './dictionary';

/** Longest value kept per element: the viewer shows metadata, not embedded documents. */
const MAX_VALUE_CHARS = 1024;

/** "x00100020" → "(0010,0020)" */
export function formatTag(tag: string): string {
  const hex = tag.slice(1).toUpperCase();
  return `(${hex.slice(0, 4)},${hex.slice(4)})`;
}

function cleanText(raw: string): string {
  // drop control characters (NUL padding, escapes) so the value is plain text; never interpreted as HTML
  const text = raw.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').trim();
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}…` : text;
}

/**
 * Every text element of the top-level data set as [tag, keyword-or-tag, value], in tag order.
 * Explicit VR files use the element's VR; implicit VR files only show elements the dictionary knows as text.
 * Values are plain strings (the caller must render them as text, never as HTML).
 */
export function textElements(ds: DataSet): Array<[string, string, string]> {
  const out: Array<[string, string, string]> = [];
  for (const tag of Object.keys(ds.elements).sort()) {
    const element = ds.elements[tag];
    const known = TEXT_DICTIONARY[tag.slice(1).toUpperCase()];
    const vr = element.vr ?? known?.[1];
    if (!vr || !STRING_VRS.has(vr) || element.items || element.encapsulatedPixelData) continue;
    const value = cleanText(vr === 'LT' || vr === 'ST' || vr === 'UT' ? ds.text(tag) ?? '' : ds.string(tag) ?? '');
    out.push([formatTag(tag), known?.[0] ?? formatTag(tag), value]);
  }
  return out;
}
