import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { apis } from '../src/apis/index.js';
import { masstack } from '../src/apis/masstack/index.js';
import { ibanProblem } from '../src/apis/masstack/state.js';
import { DEFAULT_SEED, fixtureFile, fixtureJson, loadFaker } from '../src/core/fixtures.js';
import { SpecSchemas } from '../src/core/schemas.js';
import { specsDir } from '../src/paths.js';

await loadFaker();

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

describe.each([DEFAULT_SEED, DEFAULT_SEED + 1])('masstack fixtures (seed %i)', seed => {
  type Account = { id: string; org_id: string; customer_id: string; modality: 'POSTPAID' | 'RECURRING_PREPAID'; payment_method: { type: string; details?: { iban?: string } } };
  const data = masstack.generateFixtures(seed) as unknown as {
    organizations: Record<string, { id: string }>;
    customers: Record<string, { id: string; org_id: string }>;
    accounts: Record<string, Account>;
  };
  const accounts = Object.values(data.accounts);

  test('orgs telco, masmovil and yoigo each have customers with zero, one and several accounts', () => {
    for (const org of ['telco', 'masmovil', 'yoigo']) {
      expect(data.organizations[org]).toBeDefined();
      const counts = Object.values(data.customers)
        .filter(c => c.org_id === org)
        .map(c => accounts.filter(a => a.customer_id === c.id).length);
      expect({ org, none: counts.includes(0), one: counts.includes(1), several: counts.some(n => n > 1) }).toEqual({ org, none: true, one: true, several: true });
    }
  });

  test('every org uses both modalities and every payment method type, each allowed for its modality', () => {
    for (const org of ['telco', 'masmovil', 'yoigo']) {
      const inOrg = accounts.filter(a => a.org_id === org);
      expect(new Set(inOrg.map(a => a.modality))).toEqual(new Set(['POSTPAID', 'RECURRING_PREPAID']));
      expect(new Set(inOrg.map(a => a.payment_method.type))).toEqual(new Set(['BANK_TRANSFER', 'DIRECT_DEBIT', 'CREDIT_CARD', 'TECI']));
    }
  });

  test('every account belongs to a customer of its own org, and every IBAN is valid', () => {
    for (const a of accounts) {
      expect(data.customers[a.customer_id]?.org_id).toBe(a.org_id);
      if (a.payment_method.details?.iban) expect(ibanProblem(a.payment_method.details.iban)).toBeUndefined();
    }
  });
});
