/** A small typed event list: a state class emits, the classes that care subscribe (no state imports another). */
type Listener<T> = (value: T) => void | Promise<void>;

export class Emitter<Events extends Record<string, unknown>> {
  private readonly listeners: { [K in keyof Events]?: Array<Listener<Events[K]>> } = {};

  /** Returns the function that unsubscribes. */
  on<K extends keyof Events>(name: K, listener: Listener<Events[K]>): () => void {
    const list = (this.listeners[name] ??= []);
    list.push(listener);
    return () => list.splice(list.indexOf(listener) >>> 0, 1);
  }

  /** Calls every listener now (in subscription order); resolves when the asynchronous ones are done. */
  async emit<K extends keyof Events>(name: K, value: Events[K]): Promise<void> {
    await Promise.all((this.listeners[name] ?? []).map((listener) => listener(value)));
  }
}
