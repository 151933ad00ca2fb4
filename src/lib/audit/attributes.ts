/** Counts of the DICOM attributes the audit groups by, per value and class. */
import { describeTransferSyntax } from '../dicom/transfer-syntax';
import { AUDIT_ATTRIBUTES, type AttributeCounts, type AuditAttribute, type AuditImage } from './types';

export const ATTRIBUTE_NAMES: Record<AuditAttribute, string> = {
  viewPosition: 'view position',
  modality: 'modality',
  manufacturer: 'manufacturer',
  photometric: 'photometric interpretation',
  bitsStored: 'bits stored',
  originalSize: 'original size',
  pixelSpacing: 'pixel spacing',
  transferSyntax: 'transfer syntax',
};

/** The image's value of an attribute as text, undefined when it has none. */
export function attributeValue(m: AuditImage, attribute: AuditAttribute): string | undefined {
  if (attribute === 'originalSize') return m.originalWidth > 0 && m.originalHeight > 0 ? `${m.originalWidth}×${m.originalHeight}` : undefined;
  if (attribute === 'transferSyntax') {
    const uid = m.tags?.transferSyntax ?? m.transferSyntax;
    return uid ? describeTransferSyntax(uid) : undefined;
  }
  const value = m.tags?.[attribute];
  return value === undefined || value === '' ? undefined : String(value);
}

export function countAttributes(images: AuditImage[], classCount: number): AttributeCounts[] {
  return AUDIT_ATTRIBUTES.map((attribute) => {
    const byValue = new Map<string, { count: number; byClass: number[] }>();
    let missing = 0;
    for (const m of images) {
      const value = attributeValue(m, attribute);
      if (value === undefined) {
        missing++;
        continue;
      }
      const entry = byValue.get(value) ?? { count: 0, byClass: new Array<number>(classCount).fill(0) };
      entry.count++;
      if (m.label >= 0 && m.label < classCount) entry.byClass[m.label]++;
      byValue.set(value, entry);
    }
    const values = [...byValue.entries()].map(([value, e]) => ({ value, ...e })).sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
    return { attribute, name: ATTRIBUTE_NAMES[attribute], values, missing };
  });
}
