import { describe, expect, it } from 'vitest';
import { classIndex, labelFromPath, lookupLabel, parseLabelCsv } from '../../../src/lib/dataset';

describe('labelFromPath', () => {
  it('takes the folder directly containing the file', () => {
    expect(labelFromPath('NORMAL/IM-0115-0001.dcm')).toBe('NORMAL');
    expect(labelFromPath('chest_xray/train/PNEUMONIA/person1_bacteria_1.jpeg')).toBe('PNEUMONIA');
    expect(labelFromPath('export\\Covid\\a.dcm')).toBe('Covid');
  });

  it('returns null for files directly in a split folder or the root', () => {
    expect(labelFromPath('train/a.dcm')).toBeNull();
    expect(labelFromPath('a.dcm')).toBeNull();
    expect(labelFromPath('export/a.dcm', 'export')).toBeNull();
    expect(labelFromPath('export/NORMAL/a.dcm', 'export/')).toBe('NORMAL');
    expect(labelFromPath('data/export/val/a.dcm', 'data/export')).toBeNull();
  });
});

describe('parseLabelCsv: RSNA', () => {
  // Patient A: two boxes (Target 1); B: negative; C: rows 0 then 1 → positive by the any-row rule.
  const rsna = '\ufeffpatientId,x,y,width,height,Target\r\nA,264,152,213,379,1\r\nA,562,152,256,453,1\r\nB,,,,,0\r\nC,,,,,0\r\nC,10,10,5,5,1\r\n';

  it('is detected from its columns and aggregates repeated rows', () => {
    const table = parseLabelCsv(rsna);
    expect(table.kind).toBe('rsna');
    expect([table.keyColumn, table.labelColumn]).toEqual(['patientId', 'Target']);
    expect([...table.labels]).toEqual([['A', '1'], ['B', '0'], ['C', '1']]);
  });

  it('rejects a Target that is not 0/1, naming the row', () => {
    expect(() => parseLabelCsv('patientId,x,y,width,height,Target\nA,,,,,2\n')).toThrow(
      expect.objectContaining({ code: 'bad-labels', message: expect.stringMatching(/row 2.*Target "2"/) }),
    );
  });
});

describe('parseLabelCsv: generic', () => {
  it('finds key and label columns by name, in any position and spelling', () => {
    const table = parseLabelCsv('encoding,Label,File Name\njpeg,NORMAL,"a, b.dcm"\nrle,PNEUMONIA,c.dcm\n');
    expect(table.kind).toBe('generic');
    expect([table.keyColumn, table.labelColumn]).toEqual(['File Name', 'Label']);
    expect(table.labels.get('a, b.dcm')).toBe('NORMAL');
  });

  it('prefers a file key over patientId (manifest layout)', () => {
    const table = parseLabelCsv('file,label,subtype,patient\nNORMAL/x.dcm,NORMAL,normal,P1\n');
    expect([table.keyColumn, table.labelColumn]).toEqual(['file', 'label']);
  });

  it('accepts patientId + Target without boxes as a generic table', () => {
    const table = parseLabelCsv('patientId,Target\nA,1\nB,0\n');
    expect([table.kind, table.keyColumn, table.labelColumn]).toEqual(['generic', 'patientId', 'Target']);
  });

  it('falls back to the first two columns', () => {
    const table = parseLabelCsv('image_ref,finding\nx.png,opacity\n');
    expect([table.keyColumn, table.labelColumn]).toEqual(['image_ref', 'finding']);
    const labelFirst = parseLabelCsv('diagnosis,whatever\nsick,x.png\n');
    expect([labelFirst.keyColumn, labelFirst.labelColumn]).toEqual(['whatever', 'diagnosis']);
  });

  it('throws bad-labels with a specific message', () => {
    const cases: Array<[string, RegExp]> = [
      ['', /empty/],
      ['file,label\n', /no rows/],
      ['file\na.dcm\n', /two columns/],
      ['file,label\na.dcm,NORMAL\na.dcm,PNEUMONIA\n', /"a.dcm" is labelled "NORMAL" on row 2 and "PNEUMONIA" on row 3/],
      ['file,label\n,NORMAL\n', /row 2 has a label but no file/],
      ['file,label\na.dcm,\n', /row 2 \(a.dcm\) has no label/],
      ['file,label\n"a.dcm,NORMAL\n', /never closes/],
    ];
    for (const [text, message] of cases) {
      expect(() => parseLabelCsv(text), text).toThrow(expect.objectContaining({ code: 'bad-labels', message: expect.stringMatching(message) }));
    }
  });
});

describe('lookupLabel', () => {
  const table = parseLabelCsv(
    [
      'file,label',
      'NORMAL/IM-0115-0001.dcm,NORMAL',
      'PNEUMONIA/person1_virus_6,PNEUMONIA',
      'site1/dup.dcm,NORMAL',
      'site2/dup.dcm,PNEUMONIA',
      '1.2.840.10008.5,NORMAL',
      'P-77,PNEUMONIA',
    ].join('\n'),
  );

  it('matches by path, file name, with or without extension, case-blind', () => {
    expect(lookupLabel(table, { path: 'NORMAL/IM-0115-0001.dcm' })).toBe('NORMAL');
    expect(lookupLabel(table, { path: 'export\\normal\\IM-0115-0001.DCM' })).toBe('NORMAL');
    expect(lookupLabel(table, { path: 'IM-0115-0001' })).toBe('NORMAL');
    expect(lookupLabel(table, { path: 'any/person1_virus_6.dcm' })).toBe('PNEUMONIA');
  });

  it('falls back to SOPInstanceUID and PatientID', () => {
    expect(lookupLabel(table, { path: 'x/IMG0001.dcm', sopInstanceUid: '1.2.840.10008.5' })).toBe('NORMAL');
    expect(lookupLabel(table, { path: 'x/IMG0002.dcm', patientId: 'P-77' })).toBe('PNEUMONIA');
    expect(lookupLabel(table, { path: 'x/IMG0003.dcm', patientId: 'nobody' })).toBeNull();
  });

  it('refuses ambiguous file names but matches their full paths', () => {
    expect(lookupLabel(table, { path: 'elsewhere/dup.dcm' })).toBeNull();
    expect(lookupLabel(table, { path: 'site2/dup.dcm' })).toBe('PNEUMONIA');
  });

  it('never strips a numeric UID tail as if it were an extension', () => {
    expect(lookupLabel(table, { path: '1.2.840.10008' })).toBeNull();
    expect(lookupLabel(table, { path: 'dir/1.2.840.10008.5.dcm' })).toBe('NORMAL');
  });
});

describe('classIndex', () => {
  it('sorts, and puts a negative-looking class first when there are two', () => {
    expect(classIndex(['PNEUMONIA', 'NORMAL', 'PNEUMONIA']).classes).toEqual(['NORMAL', 'PNEUMONIA']);
    expect(classIndex(['abnormal', 'normal']).classes).toEqual(['normal', 'abnormal']);
    expect(classIndex(['Opacity', 'No Finding']).classes).toEqual(['No Finding', 'Opacity']);
    expect(classIndex(['1', '0']).classes).toEqual(['0', '1']);
    expect(classIndex(['true', 'false']).classes).toEqual(['false', 'true']);
    const three = classIndex(['virus', 'normal', 'bacteria']);
    expect(three.classes).toEqual(['bacteria', 'normal', 'virus']);
    expect(three.indexOf.get('virus')).toBe(2);
  });
});
