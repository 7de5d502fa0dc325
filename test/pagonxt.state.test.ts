import { readFile } from 'node:fs/promises';
import jwt from 'jsonwebtoken';
import { generateKeyPairSync } from 'node:crypto';
import { isValidBBAN, isValidIBAN } from 'ibantools';
import { fixtureFile, loadFixtures } from '../src/core/fixtures.js';
import { Store, type Collection } from '../src/core/store.js';
import { readBearer } from '../src/core/tokens.js';
import type { AdminWrite } from '../src/core/api-module.js';
import { pagonxt } from '../src/apis/pagonxt/index.js';
import { spanishCheckDigits } from '../src/apis/pagonxt/fixtures.js';
import { issueClientCredentialsToken } from '../src/apis/pagonxt/oauth.js';
import { ACCOUNTS, Accounts, type AccountLookup, type AccountRecord } from '../src/apis/pagonxt/state.js';
import { PAGONXT, problemOf } from './helpers.js';

const NOW = new Date('2026-11-21T10:00:00.000Z');
const { customer, account, iban, bban, esAccount, esIban, esBban, virtualIban, referencedVirtual, otherCustomer, otherAccount } = PAGONXT;

let accounts: Accounts;
let collection: Collection<AccountRecord>;
beforeEach(async () => {
  const store = await Store.open({ inMemory: true, defaultSeed: 1, loadFixtures: seed => loadFixtures([pagonxt], seed) });
  const data = store.sandbox().api('pagonxt');
  accounts = new Accounts(data, () => NOW);
  collection = data.collection<AccountRecord>(ACCOUNTS);
});

const uuidOfFound = (lookup: AccountLookup) => accounts.find(lookup).accountIdentifiers[0].accountId;

describe('finding an account', () => {
  test.each<[string, Partial<AccountLookup>, string]>([
    ['by uuid (the default type)', { accountId: account }, account],
    ['by uuid in upper case', { accountId: account.toUpperCase(), accountIdType: 'uuid' }, account],
    ['by IBAN', { accountId: iban, accountIdType: 'iban' }, account],
    ['by IBAN in print format', { accountId: 'GB12 PNXT 0999 1191 6263 38', accountIdType: 'iban' }, account],
    ['by IBAN with its country', { accountId: iban, accountIdType: 'iban', country: 'GB' }, account],
    ['by BBAN with its country', { accountId: bban, accountIdType: 'bban', country: 'GB' }, account],
    ['a Spanish account by IBAN', { accountId: esIban, accountIdType: 'iban' }, esAccount],
    ['a Spanish account by BBAN', { accountId: esBban, accountIdType: 'bban', country: 'ES' }, esAccount],
    ['a virtual account by its virtual IBAN', { accountId: 'GB75PNXT09991111831937', accountIdType: 'iban' }, virtualIban],
    ['an internal (uuid-only) virtual account', { accountId: referencedVirtual }, referencedVirtual],
  ])('%s', (_, lookup, expected) => {
    expect(uuidOfFound({ customerId: customer, accountId: '', ...lookup })).toBe(expected);
  });

  test('the same account is found by uuid, IBAN and BBAN', () => {
    const byUuid = accounts.find({ customerId: customer, accountId: account });
    expect(accounts.find({ customerId: customer, accountId: iban, accountIdType: 'iban' })).toBe(byUuid);
    expect(accounts.find({ customerId: customer, accountId: bban, accountIdType: 'bban', country: 'GB' })).toBe(byUuid);
  });

  test.each<[string, number, Partial<AccountLookup>, RegExp]>([
    ['a BBAN without country', 400, { accountId: bban, accountIdType: 'bban' }, /query.country is required with account_id_type bban/],
    ['an IBAN where a uuid is expected', 400, { accountId: iban }, /must be a uuid when account_id_type is uuid/],
    ['a uuid where an IBAN is expected', 400, { accountId: account, accountIdType: 'iban' }, /must be an IBAN/],
    ['a uuid where a BBAN is expected', 400, { accountId: account, accountIdType: 'bban', country: 'GB' }, /must be a BBAN/],
    ['an IBAN with wrong check digits', 422, { accountId: 'GB13PNXT09991191626338', accountIdType: 'iban' }, /not a valid IBAN/],
    ['a Spanish BBAN with wrong national check digits', 422, { accountId: '69998246968100465395', accountIdType: 'bban', country: 'ES' }, /not a valid BBAN for country ES/],
    ['a BBAN of a country that has none like it', 422, { accountId: bban, accountIdType: 'bban', country: 'ES' }, /not a valid BBAN for country ES/],
    ['a uuid nobody has', 404, { accountId: '00000000-0000-4000-8000-000000000000' }, /has no account with uuid/],
    ['an account of another customer', 404, { accountId: otherAccount }, /customer pagonxt_esESB76134758 has no account/],
    ['an IBAN of another customer', 404, { accountId: 'GB73PNXT09991100000010', accountIdType: 'iban' }, /has no account with iban/],
    ['the right uuid in another country', 404, { accountId: account, country: 'ES' }, /in ES/],
    ['an IBAN in another country', 404, { accountId: iban, accountIdType: 'iban', country: 'ES' }, /in ES/],
  ])('%s is a %i', (_, status, lookup, message) => {
    const problem = problemOf(() => accounts.find({ customerId: customer, accountId: '', ...lookup }));
    expect(problem.status).toBe(status);
    expect(problem.message).toMatch(message);
  });

  test('an unknown customer has no accounts', () => {
    expect(problemOf(() => accounts.find({ customerId: 'pagonxt_nobody', accountId: account })).status).toBe(404);
  });

  test('the other customer finds its own account', () => {
    expect(uuidOfFound({ customerId: otherCustomer, accountId: otherAccount })).toBe(otherAccount);
  });
});

describe('presenting an account', () => {
  test('adds the self link on this server, by uuid, whatever the lookup', () => {
    const record = accounts.find({ customerId: customer, accountId: iban, accountIdType: 'iban' });
    const shown = accounts.present(record, 'http://localhost:4010/pagonxt');
    expect(shown._links).toEqual({ self: { href: `http://localhost:4010/pagonxt/customers/${customer}/accounts/${account}` } });
    expect({ ...shown, _links: undefined }).toEqual({ ...record, _links: undefined });
  });
});

describe('admin writes', () => {
  const get = (key: string) => structuredClone(collection.get(key)!) as AccountRecord;
  const write = (key: string, record: AccountRecord | null, previous: AccountRecord | undefined = collection.get(key)): AdminWrite => ({
    collection: ACCOUNTS,
    key,
    record: record as unknown as Record<string, unknown> | null,
    previous: previous as unknown as Record<string, unknown> | undefined,
    now: NOW,
  });
  const admin = (key: string, record: AccountRecord | null, previous?: AccountRecord) => accounts.beforeAdminWrite(write(key, record, previous ?? collection.get(key)));
  const store = (key: string, record: AccountRecord | null) => {
    const result = admin(key, record);
    if (result) void collection.put(key, result);
    else collection.remove(key);
    return result;
  };
  const rejected = (key: string, record: AccountRecord | null) => problemOf(() => admin(key, record));

  test('a balance change stamps updatedAt and lastChangeDateTime, and keeps createdAt', () => {
    const before = get(account);
    const changed = get(account);
    changed.balances.available.amount.amount = 12.34567;
    changed.createdAt = '2020-01-01T00:00:00.000Z';
    const stored = store(account, changed)!;
    expect(stored.balances.available).toEqual({ amount: { amount: 12.34567, currency: 'GBP' }, lastChangeDateTime: '2026-11-21T10:00:00.000Z' });
    expect(stored.updatedAt).toBe('2026-11-21T10:00:00.000Z');
    expect(stored.createdAt).toBe(before.createdAt);
    expect(accounts.find({ customerId: customer, accountId: account }).balances.available.amount.amount).toBe(12.34567);
  });

  test('another change stamps updatedAt but leaves lastChangeDateTime alone', () => {
    const before = get(account);
    const stored = admin(account, { ...get(account), nickName: 'Renamed account' })!;
    expect(stored.updatedAt).toBe('2026-11-21T10:00:00.000Z');
    expect(stored.balances.available.lastChangeDateTime).toBe(before.balances.available.lastChangeDateTime);
    expect(stored.nickName).toBe('Renamed account');
  });

  test('a new account gets its timestamps; identifiers are stored in canonical form', () => {
    const key = '11111111-2222-4333-8444-555555555555';
    const record: AccountRecord = {
      ...get(otherAccount),
      accountIdentifiers: [
        { accountIdType: 'uuid', accountId: key, country: 'ES' },
        { accountIdType: 'iban', accountId: 'ES91 2100 0418 4502 0005 1332', country: 'ES' },
        { accountIdType: 'bban', accountId: '21000418450200051332', country: 'ES' },
      ],
      supplementaryId: undefined,
      createdAt: undefined as unknown as string,
      updatedAt: undefined as unknown as string,
    };
    delete record.supplementaryId;
    const stored = admin(key, record, undefined)!;
    expect(stored.createdAt).toBe('2026-11-21T10:00:00.000Z');
    expect(stored.updatedAt).toBe('2026-11-21T10:00:00.000Z');
    expect(stored.balances.available.lastChangeDateTime).toBe('2026-11-21T10:00:00.000Z');
    expect(stored.accountIdentifiers[1].accountId).toBe('ES9121000418450200051332');
  });

  test.each<[string, (r: AccountRecord) => void, RegExp]>([
    ['an IBAN with wrong check digits', r => (r.accountIdentifiers[1].accountId = 'GB13PNXT09991191626338'), /not a valid IBAN of GB/],
    ['an IBAN of another country than its identifier', r => (r.accountIdentifiers[1].country = 'ES'), /not a valid IBAN of ES/],
    ['a BBAN that is not the IBAN\'s', r => (r.accountIdentifiers[2].accountId = 'PNXT09991191626339'), /not the BBAN of IBAN/],
    ['two IBANs', r => (r.accountIdentifiers[2] = { ...r.accountIdentifiers[1] }), /more than one iban/],
    ['no uuid identifier', r => r.accountIdentifiers.shift(), /one uuid identifier equal to the record key/],
    ['a uuid that is not the key', r => (r.accountIdentifiers[0].accountId = '00000000-0000-4000-8000-000000000000'), /equal to the record key/],
    ['a value not in its type\'s format', r => (r.accountIdentifiers[0].accountId = 'not-a-uuid'), /not a uuid/],
    ['a currency that is not ISO 4217', r => (r.baseCurrency = 'XYZ'), /XYZ is not an ISO 4217 currency/],
    ['a balance in a currency that is not ISO 4217', r => (r.balances.available.amount.currency = 'ABC'), /ABC is not an ISO 4217 currency/],
    ['an amount with 6 decimals', r => (r.balances.available.amount.amount = 1.123456), /at most 5 decimals/],
    ['an amount with 8 decimals', r => (r.balances.available.amount.amount = 1234567.12345678), /at most 18 digits of which at most 5 decimals/],
  ])('%s is a 422', (_, change, message) => {
    const record = get(account);
    change(record);
    const problem = rejected(account, record);
    expect(problem.status).toBe(422);
    expect(problem.message).toMatch(message);
  });

  test('a new account created in the future is a 422', () => {
    store(referencedVirtual, null);
    const record = { ...get(account), createdAt: '2030-01-01T00:00:00.000Z' };
    collection.remove(account);
    const problem = problemOf(() => admin(account, record, undefined));
    expect([problem.status, problem.message]).toEqual([422, 'createdAt must not lie in the future']);
  });

  test('an IBAN, or a BBAN in the same country, that another account has is a 409', () => {
    const key = '11111111-2222-4333-8444-555555555555';
    const copy = (ids: AccountRecord['accountIdentifiers']) => ({ ...get(account), accountIdentifiers: [{ accountIdType: 'uuid' as const, accountId: key, country: 'GB' }, ...ids] });
    const sameIban = problemOf(() => admin(key, copy([{ accountIdType: 'iban', accountId: iban, country: 'GB' }]), undefined));
    expect([sameIban.status, sameIban.message]).toEqual([409, `account ${account} already has iban ${iban}`]);
    const sameBban = problemOf(() => admin(key, copy([{ accountIdType: 'bban', accountId: bban, country: 'GB' }]), undefined));
    expect(sameBban.status).toBe(409);
  });

  describe('virtual accounts', () => {
    test.each<[string, (r: AccountRecord) => void, number, RegExp]>([
      ['a real account that does not exist', r => (r.realAccountIdentifiers = [{ realAccountId: '00000000-0000-4000-8000-000000000000', realAccountIdType: 'uuid', country: 'ES' }]), 422, /do not identify an existing account/],
      ['a real account of another customer', r => (r.customerId = otherCustomer), 422, /of another customer/],
      ['identifiers the real account does not have', r => (r.realAccountIdentifiers = [r.realAccountIdentifiers![0], { realAccountId: iban, realAccountIdType: 'iban', country: 'GB' }]), 422, /which account .* does not have/],
      ['a reconciliation model of its own', r => (r.reconciliationModel = 'PS-VA'), 422, /only present in real accounts/],
      ['another virtual account structure', r => (r.virtualAccountStructureId = '00000000-0000-4000-8000-000000000000'), 422, /must be ba415a3c/],
      ['itself as real account', r => (r.realAccountIdentifiers = [{ realAccountId: referencedVirtual, realAccountIdType: 'uuid', country: 'ES' }]), 422, /must not identify the account itself/],
      ['a virtual account as real account', r => (r.realAccountIdentifiers = [{ realAccountId: 'cbd5a766-6596-4fa3-a65c-eea44d8c9b8c', realAccountIdType: 'uuid', country: 'ES' }]), 422, /itself a virtual account/],
      ['a supplementaryId a sibling has', r => (r.supplementaryId = collection.get('cbd5a766-6596-4fa3-a65c-eea44d8c9b8c')!.supplementaryId), 409, /already used by virtual account cbd5a766/],
    ])('referring to %s is refused', (_, change, status, message) => {
      const record = get(referencedVirtual);
      change(record);
      const problem = rejected(referencedVirtual, record);
      expect(problem.status).toBe(status);
      expect(problem.message).toMatch(message);
    });

    test('a valid change to a virtual account is stored', () => {
      const record = get(referencedVirtual);
      record.balances.available.amount.amount = 0;
      expect(admin(referencedVirtual, record)!.balances.available.amount.amount).toBe(0);
    });

    test('a real account with virtual accounts cannot be deleted, nor change what they refer to', () => {
      expect(rejected(esAccount, null).status).toBe(409);
      const moved = { ...get(esAccount), customerId: otherCustomer };
      expect(rejected(esAccount, moved).message).toMatch(/virtual account .* refers to this account - realAccountIdentifiers identify .* of another customer/);
      const restructured = { ...get(esAccount), virtualAccountStructureId: '00000000-0000-4000-8000-000000000000' };
      expect(rejected(esAccount, restructured).status).toBe(409);
      const becomesVirtual = { ...get(esAccount), realAccountIdentifiers: [{ realAccountId: account, realAccountIdType: 'uuid' as const, country: 'GB' }] };
      expect(rejected(esAccount, becomesVirtual).status).toBe(422);
    });

    test('once its virtual accounts are gone, a real account can be deleted', () => {
      store(referencedVirtual, null);
      expect(rejected(esAccount, null).status).toBe(409);
      store('cbd5a766-6596-4fa3-a65c-eea44d8c9b8c', null);
      expect(store(esAccount, null)).toBeNull();
      expect(collection.has(esAccount)).toBe(false);
    });
  });

  test('writes to other collections pass through', () => {
    const record = { anything: true } as unknown as AccountRecord;
    expect(pagonxt.beforeAdminWrite!({ ...write(account, record), collection: 'other' }, { collection: () => collection } as never)).toBe(record);
  });

  test('the module hook applies the same rules', () => {
    const changed = get(account);
    changed.balances.available.amount.amount = 1;
    const stored = pagonxt.beforeAdminWrite!(write(account, changed), { collection: () => collection } as never) as AccountRecord;
    expect(stored.updatedAt).toBe(NOW.toISOString());
  });
});

describe('fixtures', () => {
  test('every account passes the admin-write rules, and every IBAN and BBAN is valid', async () => {
    const data = JSON.parse(await readFile(fixtureFile('pagonxt'), 'utf8')) as { accounts: Record<string, AccountRecord> };
    const all = Object.entries(data.accounts);
    for (const [key, record] of all) {
      const stored = accounts.beforeAdminWrite({ collection: ACCOUNTS, key, record: record as never, previous: record as never, now: NOW });
      expect({ ...stored, updatedAt: record.updatedAt }).toEqual(record);
      for (const id of record.accountIdentifiers) {
        if (id.accountIdType === 'iban') expect(isValidIBAN(id.accountId)).toBe(true);
        if (id.accountIdType === 'bban') expect(isValidBBAN(id.accountId, id.country)).toBe(true);
      }
      expect(record.updatedAt >= record.createdAt).toBe(true);
    }
    const customers = new Set(all.map(([, r]) => r.customerId));
    expect(customers.size).toBeGreaterThanOrEqual(4);
    const kinds = new Set(all.map(([, r]) => `${r.accountIdentifiers[0].country} ${r.balances.available.amount.currency} ${r.realAccountIdentifiers ? 'virtual' : 'real'}`));
    for (const kind of ['GB GBP real', 'GB EUR real', 'ES EUR real', 'GB GBP virtual', 'ES EUR virtual']) expect(kinds).toContain(kind);
  });

  test('Spanish BBAN check digits', () => {
    expect(spanishCheckDigits('2100', '0418', '0200051332')).toBe('45');
    expect(isValidBBAN(`69991234${spanishCheckDigits('6999', '1234', '0000000001')}0000000001`, 'ES')).toBe(true);
  });
});

describe('client credentials with a private-key JWT', () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const assertion = (payload: object = { sub: 'client-1' }, options: jwt.SignOptions = {}) =>
    jwt.sign(payload, privateKey, { algorithm: 'ES256', ...options });

  test('issues a sandbox token with the requested scopes, accounts.read by default', () => {
    const token = issueClientCredentialsToken('pagonxt', { client_assertion: assertion() }, NOW);
    expect(token).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600, scope: 'accounts.read' });
    const bearer = readBearer('pagonxt', `Bearer ${token.access_token}`, NOW);
    expect(bearer).toMatchObject({ kind: 'sandbox', claims: { scopes: ['accounts.read'], sub: 'client-1' } });
    const other = issueClientCredentialsToken('pagonxt', { client_assertion: assertion(), scope: 'payments.read accounts.read payments.read' }, NOW);
    expect(other.scope).toBe('payments.read accounts.read');
  });

  test.each<[string, () => string, Partial<{ client_id: string }>, RegExp]>([
    ['an unsigned assertion', () => `${jwt.sign({ sub: 'a' }, null, { algorithm: 'none' })}c2ln`, {}, /alg none is not accepted/],
    ['something that is not a JWT', () => 'a.b.c', {}, /is not a JWT/],
    ['an expired assertion', () => assertion({ sub: 'a', exp: NOW.getTime() / 1000 - 1 }), {}, /has expired/],
    ['an assertion not valid yet', () => assertion({ sub: 'a', nbf: NOW.getTime() / 1000 + 60 }), {}, /not valid yet/],
    ['a client_id that is not the sub', () => assertion({ sub: 'a' }), { client_id: 'b' }, /client_id must equal the sub/],
  ])('refuses %s with a 400', (_, make, extra, message) => {
    const problem = problemOf(() => issueClientCredentialsToken('pagonxt', { client_assertion: make(), ...extra }, NOW));
    expect(problem.status).toBe(400);
    expect(problem.message).toMatch(message);
  });

  test('accepts HMAC- and RSA-signed assertions and a matching client_id', () => {
    expect(issueClientCredentialsToken('pagonxt', { client_assertion: jwt.sign({ sub: 'x' }, 'secret'), client_id: 'x' }, NOW).scope).toBe('accounts.read');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    expect(issueClientCredentialsToken('pagonxt', { client_assertion: jwt.sign({ iss: 'x' }, rsa, { algorithm: 'RS256' }) }, NOW).token_type).toBe('Bearer');
  });
});
