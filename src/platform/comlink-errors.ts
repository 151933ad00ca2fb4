/**
 * Comlink's default throw handler keeps only message/name/stack, so a StudioError's code would
 * arrive as 'internal'. This handler carries the code across; both sides of every worker load it.
 */
import { transferHandlers, type TransferHandler } from 'comlink';
import { StudioError, toErrorData, type StudioErrorData } from '../lib/errors';

/** Comlink wraps a thrown value as { value, [Symbol("Comlink.thrown")]: 0 } (a private symbol). */
function isThrownWrapper(v: unknown): v is { value: unknown } {
  return typeof v === 'object' && v !== null && Object.getOwnPropertySymbols(v).some((s) => s.description === 'Comlink.thrown');
}

const studioThrow: TransferHandler<{ value: unknown }, StudioErrorData> = {
  canHandle: isThrownWrapper,
  serialize: ({ value }) => [toErrorData(value), []],
  deserialize: (data) => {
    throw new StudioError(data.code, data.message);
  },
};

transferHandlers.set('throw', studioThrow as TransferHandler<unknown, unknown>);
