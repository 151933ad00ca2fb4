/** Resolves on the next macrotask: pending promise callbacks and posted messages have run by then. */
export const nextTask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));
