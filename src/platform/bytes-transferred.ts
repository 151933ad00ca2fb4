import { transfer } from 'comlink';

/**
 * The remote, except that a Uint8Array that owns its whole buffer, passed as an argument, is moved to the
 * worker instead of copied: the page sends bytes it has just read from a file (weights, a model, an image
 * to explain) and keeps no use for them.
 */
export function bytesTransferred<T extends object>(remote: T): T {
  const owned = (a: unknown): a is Uint8Array => a instanceof Uint8Array && a.byteOffset === 0 && a.byteLength === a.buffer.byteLength;
  return new Proxy(remote, {
    get(target, prop) {
      const member = Reflect.get(target, prop) as unknown;
      if (typeof member !== 'function' || typeof prop !== 'string') return member;
      return (...args: unknown[]) => (member as (...a: unknown[]) => unknown)(...args.map((a) => (owned(a) ? transfer(a, [a.buffer as ArrayBuffer]) : a)));
    },
  });
}
