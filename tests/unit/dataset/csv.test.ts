import { describe, expect, it } from 'vitest';
import { parseCsv, toCsv } from '../../../src/lib/dataset';
import { csvField } from '../../../src/lib/dataset/csv';
import { predictionsCsv } from '../../../src/lib/eval';

describe('parseCsv', () => {
  it('splits plain rows, dropping the trailing newline and blank lines', () => {
    expect(parseCsv('a,b\n1,2\n\n3,4\n')).toEqual([['a', 'b'], ['1', '2'], ['3', '4']]);
  });

  it('handles CRLF, lone CR, and a UTF-8 BOM', () => {
    expect(parseCsv('\ufeffa,b\r\n1,2\r3,4')).toEqual([['a', 'b'], ['1', '2'], ['3', '4']]);
  });

  it('handles quotes: commas, doubled quotes and newlines inside', () => {
    expect(parseCsv('"x, y","say ""hi""","two\nlines"\n')).toEqual([['x, y', 'say "hi"', 'two\nlines']]);
  });

  it('keeps empty fields, including trailing ones', () => {
    expect(parseCsv('id,,,,,1\n')).toEqual([['id', '', '', '', '', '1']]);
    expect(parseCsv('a,\n')).toEqual([['a', '']]);
  });

  it('reports an unterminated quote with its line', () => {
    expect(() => parseCsv('a,b\n1,"oops\n2,3')).toThrow(expect.objectContaining({ code: 'bad-labels', message: expect.stringContaining('line 2') }));
  });
});

describe('toCsv', () => {
  it('quotes only what needs quoting and round-trips through parseCsv', () => {
    const rows = [['file', 'label', 'p'], ['a,b.dcm', 'say "x"', 0.25], [' lead', 'multi\nline', 3]];
    const text = toCsv(rows);
    expect(text.split('\n')[0]).toBe('file,label,p');
    expect(text).toContain('"a,b.dcm","say ""x""",0.25');
    expect(parseCsv(text)).toEqual(rows.map((r) => r.map(String)));
  });
});

describe('spreadsheet formula injection', () => {
  it('text cells a spreadsheet would compute get a leading apostrophe; numbers and negative logits do not', () => {
    expect(csvField('=1+20-8')).toBe("'=1+20-8");
    expect(csvField('+SUM(A1)')).toBe("'+SUM(A1)");
    expect(csvField('-cmd|calc')).toBe("'-cmd|calc");
    expect(csvField('@HYPERLINK("x")')).toBe(`"'@HYPERLINK(""x"")"`);
    expect(csvField('\tX')).toBe("'\tX");
    expect(csvField('-1.234568')).toBe('-1.234568');
    expect(csvField('-1.5e-3;2.0')).toBe('-1.5e-3;2.0');
    expect(csvField(-2)).toBe('-2');
    expect(csvField('PATIENT-1')).toBe('PATIENT-1');
  });

  it('predictions.csv escapes a formula PatientID', () => {
    const csv = predictionsCsv([{ file: 'a.dcm', patient: '=1+20-8', split: 'val', label: 'NORMAL', logits: [-0.5], probability: 0.38, predicted: 'NORMAL' }]);
    expect(csv.split('\r\n')[1]).toBe("a.dcm,'=1+20-8,val,NORMAL,-0.5000000,0.3800000,NORMAL");
  });
});
