import { describe, expect, it } from 'vitest';
import { parseCsv, toCsv } from '../../../src/lib/dataset';
import { csvField } from '../../../src/lib/dataset/csv';
import { predictionsCsv, predictionsOfSplit } from '../../../src/lib/eval/predictions-csv';

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
  it('ends every line, the last one too, with the chosen line end', () => {
    const rows = [['a', 'b'], ['x, y', 'say "hi"']];
    expect(toCsv(rows)).toBe('a,b\n"x, y","say ""hi"""\n');
    expect(toCsv(rows, '\r\n')).toBe('a,b\r\n"x, y","say ""hi"""\r\n');
    expect(toCsv([])).toBe('');
  });

  it('reads back what it writes, with either line end, after a BOM', () => {
    const rows = [['file', 'note'], ['a.dcm', 'two\r\nlines, "quoted"'], ['b.dcm', '']];
    for (const lineEnd of ['\n', '\r\n'] as const) expect(parseCsv(`\ufeff${toCsv(rows, lineEnd)}`)).toEqual(rows);
  });
});

describe('parseCsv on hand-written files', () => {
  it('a quoted comma, an embedded quote and a quoted CRLF stay inside their field', () => {
    expect(parseCsv('id,text\r\n1,"a, b"\r\n2,"he said ""no"""\r\n3,"line 1\r\nline 2"\r\n')).toEqual([
      ['id', 'text'],
      ['1', 'a, b'],
      ['2', 'he said "no"'],
      ['3', 'line 1\r\nline 2'],
    ]);
  });

  it('the same rows with or without a trailing newline, a BOM, CRLF or LF', () => {
    const rows = [['a', 'b'], ['1', '2']];
    for (const text of ['a,b\n1,2', 'a,b\n1,2\n', 'a,b\r\n1,2\r\n', '\ufeffa,b\r\n1,2', '\ufeffa,b\n1,2\n']) expect(parseCsv(text), JSON.stringify(text)).toEqual(rows);
  });
});

describe('predictions.csv', () => {
  const rows = [
    { file: 'a,b.dcm', patient: 'P"1', split: 'val', label: 'pneumonia', logits: [1.5], probability: 0.8175745, predicted: 'pneumonia' },
    { file: 'c.png', patient: '=1+2', split: 'test', label: 'normal', logits: [0.1, -2], probability: 0.9, predicted: 'normal' },
    { file: 'd.png', patient: 'P3', split: 'val', label: 'normal', logits: [-0.25], probability: 0.4378235, predicted: 'normal' },
  ];
  const written =
    'file,patient,split,label,logit,probability,predicted\r\n' +
    '"a,b.dcm","P""1",val,pneumonia,1.500000,0.8175745,pneumonia\r\n' +
    "c.png,'=1+2,test,normal,0.1000000;-2.000000,0.9000000,normal\r\n" +
    'd.png,P3,val,normal,-0.2500000,0.4378235,normal\r\n';

  it('is written byte for byte as before (CRLF, a header, quoted and escaped fields)', () => {
    expect(predictionsCsv(rows)).toBe(written);
  });

  it("one split keeps the header and that split's lines, bytes unchanged", () => {
    const lines = written.split('\r\n');
    expect(predictionsOfSplit(written, 'val')).toEqual({ text: [lines[0], lines[1], lines[3], ''].join('\r\n'), rows: 2 });
    expect(predictionsOfSplit(written, 'external')).toEqual({ text: `${lines[0]}\r\n`, rows: 0 });
    expect(() => predictionsOfSplit('file,logit\r\na,1\r\n', 'val')).toThrow(expect.objectContaining({ code: 'internal' }));
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
