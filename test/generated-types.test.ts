// The types in src/generated/ are what `npm run types` makes of specs/*.yaml today: a spec change
// without regenerating them fails here (and the handlers typed by them fail `npm run typecheck`).
import { readFile } from 'node:fs/promises';
import { apis } from '../src/apis/index.js';
import { renderTypes, typesFile } from '../scripts/types.js';

test.each(apis.map(api => api.slug))('src/generated/%s.ts is up to date with specs/%s.yaml (npm run types)', async slug => {
  expect(await readFile(typesFile(slug), 'utf8')).toBe(await renderTypes(slug));
});
