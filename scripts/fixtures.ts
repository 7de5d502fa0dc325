// `npm run fixtures`: regenerates fixtures/<slug>.json from the default seed.
import { writeFile } from 'node:fs/promises';
import { apis } from '../src/apis/index.js';
import { DEFAULT_SEED, fixtureFile, fixtureJson, loadFaker } from '../src/core/fixtures.js';

await loadFaker();

for (const api of apis) {
  const file = fixtureFile(api.slug);
  await writeFile(file, fixtureJson(api.generateFixtures(DEFAULT_SEED)));
  console.log(`wrote ${file}`);
}
