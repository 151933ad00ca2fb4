/** axe-core's violations on the page, one line each (rule, impact, the first few elements). */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** `within`: a CSS selector to check only that part of the page (default: the whole document). */
export async function axeViolations(page: Page, within?: string): Promise<string[]> {
  // evaluated through the debugging protocol: the studio's CSP (script-src 'self') refuses an injected <script>
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const found = await page.evaluate(async (selector) => {
    const axe = (window as unknown as { axe: { run(ctx: Document | Element, opts: object): Promise<{ violations: AxeViolation[] }> } }).axe;
    const context = selector ? document.querySelector(selector) : document;
    if (!context) throw new Error(`axe: nothing matches ${selector}`);
    return (await axe.run(context, { resultTypes: ['violations'] })).violations;
  }, within ?? null);
  return found.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
}
