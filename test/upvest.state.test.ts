import { jest } from '@jest/globals';
import { loadFixtures } from '../src/core/fixtures.js';
import { Store } from '../src/core/store.js';
import { upvest } from '../src/apis/upvest/index.js';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { MAX_IDEMPOTENCY_RECORDS, ReferenceAccounts, canonicalHash, canonicalJson, maskIban, type CreateReferenceAccount } from '../src/apis/upvest/state.js';
import { UPVEST, problemOf } from './helpers.js';

const NOW = new Date('2026-11-21T10:00:00.000Z');
const client = { clientId: UPVEST.clientId, key: '2f6c1c0e-5b0a-4d8e-9a43-3f6d3c2b1a90' };
const input: CreateReferenceAccount = {
  user_id: UPVEST.user,
  account_owner: 'Max Mustermann',
  name: 'Holiday',
  iban: 'DE89370400440532013000',
  bic: 'COBADEFFXXX',
  confirmed_at: '2026-11-20T09:00:00Z',
};

let accounts: ReferenceAccounts;
beforeEach(async () => {
  const store = await Store.open({ inMemory: true, defaultSeed: 1, loadFixtures: seed => loadFixtures([upvest], seed) });
  accounts = new ReferenceAccounts(store.sandbox().api('upvest'), () => NOW);
});

describe('IBANs', () => {
  test('are masked as their first 6 characters, 10 stars and their last 4', () => {
    expect(maskIban('DE02100500000054540402')).toBe('DE0210**********0402');
    expect(maskIban('NO9386011117947')).toBe('NO9386**********7947');
  });
});

describe('listing', () => {
  const page = (over: Partial<Parameters<ReferenceAccounts['list']>[1]> = {}) =>
    accounts.list(UPVEST.user, { sort: 'created_at', order: 'ASC', offset: 0, limit: 100, ...over });

  test('lists a user\'s accounts, masked, oldest first by default', () => {
    const { meta, data } = page();
    expect(meta).toEqual({ offset: 0, limit: 100, count: data.length, total_count: data.length, sort: 'created_at', order: 'ASC' });
    expect(data.length).toBeGreaterThanOrEqual(2);
    expect(data.every(a => a.user_id === UPVEST.user && /\*{10}/.test(a.iban))).toBe(true);
    expect(data.map(a => a.created_at)).toEqual([...data.map(a => a.created_at)].sort());
  });

  test('sorts by id, descending, and pages with offset and limit', () => {
    const all = page({ sort: 'id', order: 'DESC' }).data.map(a => a.id);
    expect(all).toEqual([...all].sort().reverse());
    const second = page({ sort: 'id', order: 'DESC', offset: 1, limit: 1 });
    expect(second.data.map(a => a.id)).toEqual([all[1]]);
    expect(second.meta).toEqual({ offset: 1, limit: 1, count: 1, total_count: all.length, sort: 'id', order: 'DESC' });
    expect(page({ limit: 0 }).data).toEqual([]);
    expect(page({ offset: 1000 }).meta.count).toBe(0);
  });

  test('an unknown user is not found', () => {
    expect(problemOf(() => accounts.list('00000000-0000-4000-8000-000000000000', { sort: 'id', order: 'ASC', offset: 0, limit: 1 })).status).toBe(404);
  });
});

describe('creating', () => {
  test('stores the account, shows it masked, and lists it', () => {
    const { account, replayed } = accounts.create(input, client);
    expect(replayed).toBe(false);
    expect(account).toMatchObject({ user_id: UPVEST.user, iban: 'DE8937**********3000', created_at: NOW.toISOString(), name: 'Holiday' });
    expect(accounts.get(account.id)).toEqual(account);
    expect(accounts.list(UPVEST.user, { sort: 'created_at', order: 'DESC', offset: 0, limit: 1 }).data[0].id).toBe(account.id);
  });

  test('the same idempotency key and body replays the first response and creates nothing', () => {
    const first = accounts.create(input, client);
    const total = () => accounts.list(UPVEST.user, { sort: 'id', order: 'ASC', offset: 0, limit: 1000 }).meta.total_count;
    const before = total();
    const again = accounts.create({ ...input }, client);
    expect(again).toEqual({ account: first.account, replayed: true });
    expect(total()).toBe(before);
  });

  test('the same idempotency key with another body is unprocessable', () => {
    accounts.create(input, client);
    expect(problemOf(() => accounts.create({ ...input, name: 'Other' }, client))).toMatchObject({ status: 422, kind: 'unprocessable' });
  });

  test('idempotency keys are scoped by client id', () => {
    accounts.create(input, client);
    const other = accounts.create({ ...input, iban: 'GB82WEST12345698765432' }, { ...client, clientId: 'another-client' });
    expect(other.replayed).toBe(false);
    expect(other.account.iban).toBe('GB82WE**********5432');
  });

  test('an IBAN the user already registered is accepted again (no Upvest document forbids it)', () => {
    const { account } = accounts.create({ ...input, iban: 'DE02100500000054540402' }, client);
    expect(account.iban).toBe('DE0210**********0402');
  });

  test('without name, name is ""; without user_id, the account is the client\'s own', () => {
    const { name: _name, user_id: _user, ...bare } = input;
    const { account } = accounts.create(bare, client);
    expect(account).toMatchObject({ name: '', user_id: client.clientId });
    expect(accounts.list(client.clientId, { sort: 'id', order: 'ASC', offset: 0, limit: 10 }).data).toEqual([account]);
  });

  test.each([
    ['an unknown user', { user_id: '00000000-0000-4000-8000-000000000000' }, 404, undefined],
    ['a wrong IBAN check digit', { iban: 'DE88370400440532013000' }, 400, 'body.iban'],
    ['an IBAN too short for its country', { iban: 'DE8937040044053201300' }, 400, 'body.iban'],
  ])('refuses %s', (_, change, status, field) => {
    const error = problemOf(() => accounts.create({ ...input, ...change } as CreateReferenceAccount, client));
    expect(error.status).toBe(status);
    if (field) expect(error.fields[0].field).toBe(field);
  });
});

describe('request hashes of idempotency records', () => {
  // What the records stored so far were hashed with: keep every stored hash valid.
  const earlier = (value: unknown) => {
    const canonical = (v: unknown): unknown =>
      v && typeof v === 'object' && !Array.isArray(v)
        ? Object.fromEntries(Object.keys(v).sort().map(k => [k, canonical((v as Record<string, unknown>)[k])]))
        : Array.isArray(v)
          ? v.map(canonical)
          : v;
    return JSON.stringify(canonical(value));
  };

  test('canonical JSON is what the earlier canonicalisation wrote, byte for byte, for any JSON (integer-like keys too)', () => {
    const key = fc.oneof(fc.string(), fc.constantFrom('0', '1', '10', '9', '01', '-1', '1.5', '4294967294', '4294967295', '__proto__', 'a', 'B'));
    const value = fc.letrec(tie => ({
      any: fc.oneof({ depthSize: 'small' }, fc.jsonValue({ maxDepth: 1 }), tie('object'), tie('array'), fc.constant(undefined)),
      object: fc.dictionary(key, tie('any'), { maxKeys: 8 }),
      array: fc.array(tie('any'), { maxLength: 5 }),
    }));
    fc.assert(
      fc.property(value.object, body => {
        expect(canonicalJson(body)).toBe(earlier(body));
      }),
      { numRuns: 300 },
    );
    expect(canonicalHash(input)).toBe(createHash('sha256').update(earlier(input)).digest('hex'));
    expect(canonicalHash({ b: 1, a: [{ d: 2, c: 3 }] })).toBe(canonicalHash({ a: [{ c: 3, d: 2 }], b: 1 }));
  });
});

describe('idempotency records', () => {
  let store: Store;
  let now: Date;
  const at = () => new ReferenceAccounts(store.sandbox().api('upvest'), () => now);
  const kept = () => store.sandbox().collection('upvest', 'idempotencyKeys').size;
  beforeEach(async () => {
    store = await Store.open({ inMemory: true, defaultSeed: 1, loadFixtures: seed => loadFixtures([upvest], seed) });
    now = NOW;
  });

  test('expire after 24 hours of the sandbox clock: a replay then is a fresh request', () => {
    const first = at().create(input, client).account;
    now = new Date(NOW.getTime() + 24 * 3600 * 1000 - 1);
    expect(at().create(input, client)).toEqual({ account: first, replayed: true });
    now = new Date(NOW.getTime() + 24 * 3600 * 1000);
    const fresh = at().create(input, client);
    expect(fresh.replayed).toBe(false);
    expect(fresh.account.id).not.toBe(first.id);
    expect(kept()).toBe(1); // the expired record went; the fresh one is remembered
  });

  test('a create looks at the oldest idempotency records only, not at every key', () => {
    const accounts = at();
    for (let i = 0; i < MAX_IDEMPOTENCY_RECORDS; i++) accounts.create(input, { ...client, key: `k-${i}` });
    expect(kept()).toBe(MAX_IDEMPOTENCY_RECORDS);
    const keys = jest.spyOn(Object, 'keys');
    try {
      for (let i = 0; i < 50; i++) accounts.create(input, { ...client, key: `more-${i}` });
      expect(Math.max(0, ...keys.mock.results.map(r => (Array.isArray(r.value) ? r.value.length : 0)))).toBeLessThan(100);
    } finally {
      keys.mockRestore();
    }
    expect(kept()).toBe(MAX_IDEMPOTENCY_RECORDS);
    const [[oldest]] = store.sandbox().collection('upvest', 'idempotencyKeys').oldestFirst();
    expect(oldest).toBe(`${UPVEST.clientId}:k-50`);
  });

  test('a sandbox keeps at most MAX_IDEMPOTENCY_RECORDS; the oldest are forgotten first', () => {
    const accounts = at();
    const ibans = ['DE89370400440532013000', 'GB82WEST12345698765432'];
    for (let i = 0; i < MAX_IDEMPOTENCY_RECORDS + 5; i++) {
      problemOf(() => accounts.create({ ...input, user_id: '00000000-0000-4000-8000-000000000000', iban: ibans[i % 2] }, { ...client, key: `k-${i}` }));
    }
    expect(kept()).toBe(0); // refused creates remember nothing
    for (let i = 0; i < MAX_IDEMPOTENCY_RECORDS + 5; i++) {
      void store.sandbox().collection('upvest', 'idempotencyKeys').put(`${UPVEST.clientId}:k-${i}`, {
        request_hash: '0'.repeat(64),
        status: 200,
        body: accounts.get(UPVEST.account),
        created_at: NOW.toISOString(),
      });
    }
    accounts.create(input, { ...client, key: 'newest' });
    expect(kept()).toBe(MAX_IDEMPOTENCY_RECORDS);
    const keys = [...store.sandbox().collection('upvest', 'idempotencyKeys').entries()].map(([key]) => key);
    expect(keys[0]).toBe(`${UPVEST.clientId}:k-6`);
    expect(keys.at(-1)).toBe(`${UPVEST.clientId}:newest`);
  });
});

describe('deleting', () => {
  test('deletes an account; the user\'s last one is refused', () => {
    const ids = accounts.list(UPVEST.user, { sort: 'id', order: 'ASC', offset: 0, limit: 100 }).data.map(a => a.id);
    for (const id of ids.slice(1)) accounts.delete(id);
    expect(problemOf(() => accounts.get(ids[1])).status).toBe(404);
    expect(problemOf(() => accounts.delete(ids[0]))).toMatchObject({ status: 409, kind: 'conflict' });
    expect(accounts.get(ids[0]).id).toBe(ids[0]);
    expect(problemOf(() => accounts.delete('00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });
});

describe('admin writes (the sandbox admin API)', () => {
  const account = () => ({ ...fixtureAccount });
  let fixtureAccount: Record<string, unknown>;
  beforeEach(async () => {
    const store = await Store.open({ inMemory: true, defaultSeed: 1, loadFixtures: seed => loadFixtures([upvest], seed) });
    accounts = new ReferenceAccounts(store.sandbox().api('upvest'), () => NOW);
    fixtureAccount = { ...(store.sandbox().collection('upvest', 'referenceAccounts').get(UPVEST.account) as object) };
  });
  const write = (collection: string, key: string, record: Record<string, unknown> | null, previous?: Record<string, unknown>) =>
    accounts.checkAdminWrite({ collection, key, record, previous, now: NOW });

  test('a changed account gets a new updated_at; one given explicitly is kept', () => {
    const changed = { ...account(), name: 'Renamed' };
    expect(write('referenceAccounts', UPVEST.account, changed, fixtureAccount)).toEqual({ ...changed, updated_at: NOW.toISOString() });
    const explicit = { ...changed, updated_at: '2026-01-01T00:00:00Z' };
    expect(write('referenceAccounts', UPVEST.account, explicit, fixtureAccount)).toEqual(explicit);
  });

  test.each([
    ['an unknown user', { user_id: '1b4e28ba-2fa1-11d2-883f-0016d3cca427' }, 422, 'unprocessable'],
    ['an IBAN with wrong check digits', { iban: 'DE00370400440532013000' }, 400, 'validation'],
  ])('an account with %s is refused', (_, change, status, kind) => {
    const record: Record<string, unknown> = { ...account(), ...change };
    const p = problemOf(() => write('referenceAccounts', String(record.id), record));
    expect([p.status, p.kind]).toEqual([status, kind]);
  });

  test('a user\'s last account, and a user who has accounts, cannot be deleted', () => {
    const [only] = accounts.list(UPVEST.user, { sort: 'id', order: 'ASC', offset: 0, limit: 10 }).data.filter(a => a.id !== UPVEST.account);
    accounts.delete(only.id);
    expect(problemOf(() => write('referenceAccounts', UPVEST.account, null, fixtureAccount)).status).toBe(409);
    expect(problemOf(() => write('users', UPVEST.user, null)).message).toMatch(/still has reference accounts/);
    expect(write('idempotencyKeys', 'a:b', null)).toBeNull();
  });
});
