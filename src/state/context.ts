/** Components reach the studio's state through Svelte context, set once by App.svelte. */
import { getContext, setContext } from 'svelte';
import type { Studio } from './app-state';

const KEY = Symbol('studio');

export function provideStudio(studio: Studio): void {
  setContext(KEY, studio);
}

export function useStudio(): Studio {
  const studio = getContext<Studio | undefined>(KEY);
  if (!studio) throw new Error('useStudio() outside <App>: the studio state was not provided.');
  return studio;
}
