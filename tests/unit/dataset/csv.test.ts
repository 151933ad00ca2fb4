import { describe, expect, it } from 'vitest';
import { parseCsv, toCsv } from '../../../src/lib/dataset';

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
