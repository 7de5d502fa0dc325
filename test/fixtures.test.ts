import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { apis } from '../src/apis/index.js';
import { DEFAULT_SEED, fixtureFile, fixtureJson } from '../src/core/fixtures.js';
import { SpecSchemas } from '../src/core/schemas.js';
import { specsDir } from '../src/paths.js';

describe.each(apis.map(api => [api.slug, api] as const))('%s fixtures', (slug, api) => {
  test('regenerating them gives the committed file, byte for byte', async () => {
    expect(fixtureJson(api.generateFixtures(DEFAULT_SEED))).toBe(await readFile(fixtureFile(slug), 'utf8'));
  });

  test('every record validates against its collection\'s spec schema', async () => {
    const schemas = new SpecSchemas(join(specsDir, `${slug}.yaml`));
    const data = JSON.parse(await readFile(fixtureFile(slug), 'utf8')) as Record<string, Record<string, unknown>>;
    expect(Object.keys(data).sort()).toEqual(Object.keys(api.collections).sort());
    const problems: string[] = [];
    for (const [collection, { schema }] of Object.entries(api.collections)) {
      expect(schemas.has(schema)).toBe(true);
      for (const [key, record] of Object.entries(data[collection])) {
        for (const p of schemas.validate(schema, record)) problems.push(`${collection}/${key}${p}`);
      }
    }
    expect(problems).toEqual([]);
  });

  test('another seed gives other data that is just as valid', () => {
    const schemas = new SpecSchemas(join(specsDir, `${slug}.yaml`));
    const other = api.generateFixtures(DEFAULT_SEED + 1) as Record<string, Record<string, unknown>>;
    expect(fixtureJson(other)).not.toBe(fixtureJson(api.generateFixtures(DEFAULT_SEED)));
    for (const [collection, { schema }] of Object.entries(api.collections)) {
      for (const record of Object.values(other[collection])) expect(schemas.validate(schema, record)).toEqual([]);
    }
  });
});

test('upvest: every reference account belongs to a user that has at least two', async () => {
  const data = JSON.parse(await readFile(fixtureFile('upvest'), 'utf8'));
  const perUser = new Map<string, number>();
  for (const account of Object.values<{ user_id: string }>(data.referenceAccounts)) {
    expect(data.users[account.user_id]).toBeDefined();
    perUser.set(account.user_id, (perUser.get(account.user_id) ?? 0) + 1);
  }
  expect(Math.min(...perUser.values())).toBeGreaterThanOrEqual(2);
  expect(Object.keys(data.users).length).toBeGreaterThan(perUser.size); // some users have none yet
});
