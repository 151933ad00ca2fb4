/** The studio's other open tabs, through a BroadcastChannel (same origin: they share the database). */

/** What one tab of the studio tells the others (same origin, same database). */
export type TabMessage =
  /** stored datasets changed here (an import finished, a delete, a rename, new splits): list them again */
  | { kind: 'datasets-changed' }
  /** this tab imports `id` (or stopped): the others show it as importing, not as interrupted */
  | { kind: 'importing'; id: string; active: boolean };

/** The other open tabs of the studio (a BroadcastChannel in the page). */
export interface OtherTabs<M = TabMessage> {
  post(message: M): void;
  subscribe(listener: (message: M) => void): () => void;
}

export function otherTabs<M = TabMessage>(name = 'cxr-studio'): OtherTabs<M> | undefined {
  if (typeof BroadcastChannel === 'undefined') return undefined;
  const channel = new BroadcastChannel(name);
  return {
    post: (message) => channel.postMessage(message),
    subscribe: (listener) => {
      const handle = (e: MessageEvent<M>) => listener(e.data);
      channel.addEventListener('message', handle);
      return () => channel.removeEventListener('message', handle);
    },
  };
}
