/** Fetches the bundled demo model (public/demo-model/, same origin: precached for offline use). */
import { parseDemoModelCard, type DemoModelCard } from '../lib/demo/demo-model';
import { StudioError } from '../lib/errors';

export interface DemoModelFile {
  card: DemoModelCard;
  name: string;
  bytes: Uint8Array;
}

async function fetchOk(file: string): Promise<Response> {
  const url = `${import.meta.env.BASE_URL}demo-model/${file}`;
  let response: Response;
  try {
    response = await fetch(url);
  } catch {
    throw new StudioError('demo-model-missing', `The demo model (${url}) could not be read: reload the page once while online so the studio can keep it for offline use.`);
  }
  if (!response.ok) throw new StudioError('demo-model-missing', `The demo model (${url}) is missing from this build (HTTP ${response.status}): run \`npm run demo-model\` and build again.`);
  return response;
}

export async function fetchDemoModel(): Promise<DemoModelFile> {
  const card = parseDemoModelCard(await (await fetchOk('card.json')).text());
  const bytes = new Uint8Array(await (await fetchOk('model.safetensors')).arrayBuffer());
  return { card, name: 'demo-model.safetensors', bytes };
}
