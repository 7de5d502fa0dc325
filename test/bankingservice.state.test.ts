import { jest } from '@jest/globals';
import jwt from 'jsonwebtoken';
import { bankingservice } from '../src/apis/bankingservice/index.js';
import { grantToken, tokenParameters } from '../src/apis/bankingservice/auth.js';
import { BUSY_PROFILE, EMPTY_PROFILE, EXAMPLE_CUSTOMER, SMALL_PROFILE, SMALL_PROFILE_CUSTOMER } from '../src/apis/bankingservice/fixtures.js';
import { Customers, type CustomerInput, type StoredCustomer } from '../src/apis/bankingservice/state.js';
import { loadFixtures } from '../src/core/fixtures.js';
import { Collection, Store } from '../src/core/store.js';
import { problemOf } from './helpers.js';

const NOW = new Date('2026-11-21T10:00:00.000Z');
const input: CustomerInput = {
  company: 'Bakkerij Jansen B.V.',
  first_name: 'Piet',
  last_name: 'Jansen',
  email: 'piet@bakkerijjansen.nl',
  phone: '31201234567',
  address: { premise: 7, postal_code: '1012 AB', thoroughfare: 'Damrak', locality: 'Amsterdam', state: 'Noord-Holland', country: 'NL' },
};

let store: Store;
let customers: Customers;
beforeEach(async () => {
  store = await Store.open({ inMemory: true, defaultSeed: 1, loadFixtures: seed => loadFixtures([bankingservice], seed) });
  customers = new Customers(store.sandbox().api('bankingservice'), () => NOW);
});

const page = (profileId: string, p = 0, size = 20) => customers.list(profileId, { page: p, size });
const allIds = (profileId: string) => page(profileId, 0, 100).data.map(c => c.id);

describe('listing', () => {
  test('pages through all of a profile\'s customers, newest first, with true counts', () => {
    const pages = [0, 1, 2, 3].map(p => page(BUSY_PROFILE.id, p));
    expect(pages.map(({ page, pages, size, count, data }) => ({ page, pages, size, count, n: data.length }))).toEqual([
      { page: 0, pages: 3, size: 20, count: 45, n: 20 },
      { page: 1, pages: 3, size: 20, count: 45, n: 20 },
      { page: 2, pages: 3, size: 20, count: 45, n: 5 },
      { page: 3, pages: 3, size: 20, count: 45, n: 0 },
    ]);
    const listed = pages.flatMap(p => p.data);
    expect(new Set(listed.map(c => c.id)).size).toBe(45);
    const times = listed.map(c => Date.parse(c.created));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  test('pages is the ceiling of count / size', () => {
    expect(page(BUSY_PROFILE.id, 0, 1)).toMatchObject({ pages: 45, size: 1 });
    expect(page(BUSY_PROFILE.id, 0, 44)).toMatchObject({ pages: 2 });
    expect(page(BUSY_PROFILE.id, 0, 45)).toMatchObject({ pages: 1 });
    expect(page(BUSY_PROFILE.id, 0, 100)).toMatchObject({ pages: 1, count: 45 });
    expect(page(EMPTY_PROFILE.id)).toEqual({ page: 0, pages: 0, size: 20, count: 0, data: [] });
  });

  test('lists only the profile\'s own customers, without their profile_id', () => {
    const small = page(SMALL_PROFILE.id, 0, 100);
    expect(small.count).toBe(6);
    expect(small.data.map(c => c.id)).toContain(SMALL_PROFILE_CUSTOMER.id);
    expect(allIds(BUSY_PROFILE.id)).not.toContain(SMALL_PROFILE_CUSTOMER.id);
    expect(small.data.every(c => !('profile_id' in c))).toBe(true);
  });

  test('the fixtures hold companies and private persons', () => {
    const data = page(BUSY_PROFILE.id, 0, 100).data;
    expect(data.filter(c => c.company).length).toBeGreaterThan(5);
    expect(data.filter(c => !c.company).length).toBeGreaterThan(5);
  });

  test('equal timestamps are ordered by id, descending, and precision does not matter', () => {
    const data = store.sandbox().api('bankingservice');
    const put = (id: string, created: string) =>
      void data.collection<StoredCustomer>('customers').put(id, { id, profile_id: EMPTY_PROFILE.id, last_name: 'X', created });
    put('customer_a', '2026-01-01T00:00:00Z');
    put('customer_b', '2026-01-01T00:00:00.000Z');
    put('customer_c', '2025-12-31T23:59:59.999Z');
    expect(allIds(EMPTY_PROFILE.id)).toEqual(['customer_b', 'customer_a', 'customer_c']);
  });

  test('filters by profile through an index, not a scan of every customer', () => {
    const scan = jest.spyOn(Collection.prototype, 'entries');
    const where = jest.spyOn(Collection.prototype, 'where');
    try {
      page(BUSY_PROFILE.id);
      expect(where).toHaveBeenCalledWith('profile_id', BUSY_PROFILE.id);
      expect(scan).not.toHaveBeenCalled();
    } finally {
      scan.mockRestore();
      where.mockRestore();
    }
  });

  test('an unknown profile has no customers (the list documents no status but 200)', () => {
    expect(page('profile_unknown')).toEqual({ page: 0, pages: 0, size: 20, count: 0, data: [] });
  });
});

describe('getting', () => {
  test('returns the customer in the documented field order', () => {
    const customer = customers.get(BUSY_PROFILE.id, EXAMPLE_CUSTOMER.id);
    const { profile_id: _profile, ...shown } = EXAMPLE_CUSTOMER;
    expect(customer).toEqual(shown);
    expect(Object.keys(customer)).toEqual(['id', 'company', 'first_name', 'last_name', 'email', 'phone', 'address', 'created']);
  });

  test('another profile\'s customer, an unknown customer and an unknown profile are not found', () => {
    expect(problemOf(() => customers.get(SMALL_PROFILE.id, EXAMPLE_CUSTOMER.id))).toMatchObject({ status: 404 });
    expect(problemOf(() => customers.get(BUSY_PROFILE.id, 'customer_000000000000000000000000'))).toMatchObject({ status: 404 });
    expect(problemOf(() => customers.get('profile_unknown', EXAMPLE_CUSTOMER.id))).toMatchObject({ status: 404 });
  });
});

describe('creating', () => {
  test('stores the customer with a new id and created time, first in the list', () => {
    const created = customers.create(BUSY_PROFILE.id, input);
    expect(created).toEqual({ id: expect.stringMatching(/^customer_[0-9a-f]{24}$/), ...input, created: NOW.toISOString() });
    expect(customers.get(BUSY_PROFILE.id, created.id)).toEqual(created);
    expect(page(BUSY_PROFILE.id)).toMatchObject({ count: 46, pages: 3, data: expect.arrayContaining([created]) });
    expect(page(BUSY_PROFILE.id).data[0]).toEqual(created);
    expect(customers.create(BUSY_PROFILE.id, input).id).not.toBe(created.id);
  });

  test('keeps the documented field order whatever the input order, and only the given fields', () => {
    const created = customers.create(EMPTY_PROFILE.id, { address: { country: 'BE', premise: 1 }, last_name: 'Peeters' });
    expect(Object.keys(created)).toEqual(['id', 'last_name', 'address', 'created']);
    expect(Object.keys(created.address!)).toEqual(['premise', 'country']);
  });

  test('every field is optional, as the page says: no rule it does not state refuses a customer', () => {
    for (const fields of [{}, { email: 'a@b.nl' }, { phone: '+31 20 123 4567' }, { address: { country: 'XX' } }]) {
      const created = customers.create(EMPTY_PROFILE.id, fields);
      expect(created).toEqual({ id: expect.stringMatching(/^customer_/), ...fields, created: NOW.toISOString() });
    }
    expect(page(EMPTY_PROFILE.id).count).toBe(4);
  });

  test('into an unknown profile is a 400 not_found (the operation documents 200 and 400)', () => {
    expect(problemOf(() => customers.create('profile_unknown', input))).toMatchObject({ status: 400, kind: 'not_found' });
  });
});

describe('replacing', () => {
  test('replaces every writable field; left-out fields are removed; id and created stay', () => {
    const replaced = customers.replace(BUSY_PROFILE.id, EXAMPLE_CUSTOMER.id, { first_name: 'Johnny', phone: '31612345678' });
    expect(replaced).toEqual({ id: EXAMPLE_CUSTOMER.id, first_name: 'Johnny', phone: '31612345678', created: EXAMPLE_CUSTOMER.created });
    expect(customers.get(BUSY_PROFILE.id, EXAMPLE_CUSTOMER.id)).toEqual(replaced);
    expect(page(BUSY_PROFILE.id).count).toBe(45);
  });

  test('follows the same rules as creating: any fields, none required', () => {
    expect(customers.replace(BUSY_PROFILE.id, EXAMPLE_CUSTOMER.id, { phone: '31612345678' })).toEqual({ id: EXAMPLE_CUSTOMER.id, phone: '31612345678', created: expect.any(String) });
    expect(customers.replace(BUSY_PROFILE.id, EXAMPLE_CUSTOMER.id, {})).toEqual({ id: EXAMPLE_CUSTOMER.id, created: expect.any(String) });
  });

  test('another profile\'s customer is not found, and stays as it was', () => {
    expect(problemOf(() => customers.replace(SMALL_PROFILE.id, EXAMPLE_CUSTOMER.id, input))).toMatchObject({ status: 400, kind: 'not_found' });
    expect(customers.get(BUSY_PROFILE.id, EXAMPLE_CUSTOMER.id).first_name).toBe('John');
  });
});

describe('deleting', () => {
  test('returns the deleted customer; afterwards it is not found and not counted', () => {
    const before = customers.get(BUSY_PROFILE.id, EXAMPLE_CUSTOMER.id);
    expect(customers.delete(BUSY_PROFILE.id, EXAMPLE_CUSTOMER.id)).toEqual(before);
    expect(problemOf(() => customers.get(BUSY_PROFILE.id, EXAMPLE_CUSTOMER.id)).status).toBe(404);
    expect(problemOf(() => customers.delete(BUSY_PROFILE.id, EXAMPLE_CUSTOMER.id))).toMatchObject({ status: 400, kind: 'not_found' });
    expect(page(BUSY_PROFILE.id)).toMatchObject({ count: 44, pages: 3 });
    expect(allIds(BUSY_PROFILE.id)).not.toContain(EXAMPLE_CUSTOMER.id);
  });

  test('a created customer can be deleted too', () => {
    const created = customers.create(EMPTY_PROFILE.id, input);
    expect(customers.delete(EMPTY_PROFILE.id, created.id)).toEqual(created);
    expect(page(EMPTY_PROFILE.id).count).toBe(0);
  });

  test('another profile\'s customer is not found, and is kept', () => {
    expect(problemOf(() => customers.delete(SMALL_PROFILE.id, EXAMPLE_CUSTOMER.id))).toMatchObject({ status: 400, kind: 'not_found' });
    expect(customers.get(BUSY_PROFILE.id, EXAMPLE_CUSTOMER.id).id).toBe(EXAMPLE_CUSTOMER.id);
  });
});

describe('admin writes', () => {
  const write = (collection: string, key: string, record: Record<string, unknown> | null) => ({ collection, key, record, now: NOW });

  test('a customer must belong to an existing profile', () => {
    const record = { id: 'customer_1', profile_id: SMALL_PROFILE.id, last_name: 'Smit', created: NOW.toISOString() };
    expect(customers.checkAdminWrite(write('customers', 'customer_1', record))).toBe(record);
    expect(problemOf(() => customers.checkAdminWrite(write('customers', 'customer_1', { ...record, profile_id: 'profile_x' })))).toMatchObject({ status: 400 });
    expect(customers.checkAdminWrite(write('customers', EXAMPLE_CUSTOMER.id, null))).toBeNull();
  });

  test('a profile with customers cannot be deleted; an empty one can', () => {
    expect(problemOf(() => customers.checkAdminWrite(write('profiles', SMALL_PROFILE.id, null)))).toMatchObject({ status: 409, kind: 'conflict' });
    expect(customers.checkAdminWrite(write('profiles', EMPTY_PROFILE.id, null))).toBeNull();
  });
});

describe('token requests', () => {
  const basic = (id: string, secret = 's3cret') => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
  const subjectOf = (token: string) => (jwt.decode(token) as { sub: string; api: string });

  test('reads form-encoded and JSON bodies', () => {
    expect(tokenParameters('grant_type=client_credentials&client_id=a%20b')).toEqual({ grant_type: 'client_credentials', client_id: 'a b' });
    expect(tokenParameters({ grant_type: 'client_credentials' })).toEqual({ grant_type: 'client_credentials' });
    expect(tokenParameters(undefined)).toEqual({});
  });

  test('issues an hour-long bearer token for any client, named in the body or by Basic auth', () => {
    const grant = grantToken('bankingservice', { grant_type: 'client_credentials', client_id: 'shop-1', client_secret: 'x' });
    expect(grant).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600 });
    expect(subjectOf(grant.access_token)).toMatchObject({ sub: 'shop-1', api: 'bankingservice' });
    expect(subjectOf(grantToken('bankingservice', { grant_type: 'client_credentials' }, basic('shop%2F2')).access_token).sub).toBe('shop/2');
    expect(subjectOf(grantToken('bankingservice', { grant_type: 'client_credentials', client_id: 'shop-3' }, basic('shop-3')).access_token).sub).toBe('shop-3');
  });

  test.each([
    ['another grant type', { grant_type: 'password', client_id: 'a' }, undefined, 'unsupported_grant_type', 'body.grant_type'],
    ['no grant type', { client_id: 'a' }, undefined, 'validation', 'body.grant_type'],
    ['no client', { grant_type: 'client_credentials' }, undefined, 'validation', 'body.client_id'],
    ['two different clients', { grant_type: 'client_credentials', client_id: 'a' }, basic('b'), 'validation', 'body.client_id'],
    ['a malformed Basic header', { grant_type: 'client_credentials' }, 'Basic bm9jb2xvbg==', 'validation', 'header.authorization'],
    ['an assertion without its type', { grant_type: 'client_credentials', client_id: 'a', client_assertion: 'a.b.c' }, undefined, 'validation', 'body.client_assertion_type'],
  ])('refuses %s with a 400', (_, params, authorization, kind, field) => {
    const problem = problemOf(() => grantToken('bankingservice', params, authorization));
    expect(problem).toMatchObject({ status: 400, kind, fields: [{ field }] });
  });
});
