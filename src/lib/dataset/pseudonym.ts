/**
 * Salted pseudonyms for exports: SHA-256 of (salt ‖ value), first 16 hex digits. The salt is drawn
 * fresh per export and never written out, so the pseudonyms cannot be reversed by hashing guesses,
 * yet equal identifiers stay equal within one export (patient-level grouping survives).
 */
export function newSalt(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(16));
}

export async function pseudonym(salt: Uint8Array, value: string): Promise<string> {
  const text = new TextEncoder().encode(value);
  const input = new Uint8Array(salt.length + text.length);
  input.set(salt);
  input.set(text, salt.length);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', input));
  return Array.from(digest.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join('');
}
