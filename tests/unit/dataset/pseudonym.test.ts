import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newSalt, pseudonym } from '../../../src/lib/dataset/pseudonym';

describe('salted pseudonyms', () => {
  it('is SHA-256(salt ‖ value) truncated to 16 hex digits', async () => {
    const salt = Uint8Array.from([1, 2, 3, 4]);
    const expected = createHash('sha256').update(Buffer.from([1, 2, 3, 4])).update('PAT-0042').digest('hex').slice(0, 16);
    expect(await pseudonym(salt, 'PAT-0042')).toBe(expected);
  });

  it('keeps equal ids equal within a salt and differs across salts', async () => {
    const a = newSalt();
    const b = newSalt();
    expect(a).not.toEqual(b);
    expect(await pseudonym(a, 'x')).toBe(await pseudonym(a, 'x'));
    expect(await pseudonym(a, 'x')).not.toBe(await pseudonym(a, 'y'));
    expect(await pseudonym(a, 'x')).not.toBe(await pseudonym(b, 'x'));
  });
});
