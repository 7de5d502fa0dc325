// `npm run fixtures`: regenerates fixtures/<slug>.json from the default seed.
import { writeFile } from 'node:fs/promises';
import { apis } from '../src/apis/index.js';
import { DEFAULT_SEED, fixtureFile, fixtureJson } from '../src/core/fixtures.js';

for (const api of apis) {
  const file = fixtureFile(api.slug);
  await writeFile(file, fixtureJson(api.generateFixtures(DEFAULT_SEED)));
  console.log(`wrote ${file}`);
}
