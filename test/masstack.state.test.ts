import { loadFixtures } from '../src/core/fixtures.js';
import { Store } from '../src/core/store.js';
import { problemOf } from './helpers.js';
import { EXAMPLE } from '../src/apis/masstack/fixtures.js';
import { masstack } from '../src/apis/masstack/index.js';
import { Accounts, checkAdminWrite, ibanProblem, invoiceCycleFor, type NewAccount, type PaymentMethod } from '../src/apis/masstack/state.js';

const NOW = new Date('2026-11-21T10:00:00.000Z');
const UNKNOWN = '00000000-0000-4000-8000-000000000000';
const IBAN = 'ES7921000813610123456789';
const TOKEN = '9d4c0b5a-2e6f-4a81-9c93-a4b5c6d7e8f9';
const SEVILLA = { address_lines: ['Avenida de la Constitución 12', 'Local 4'], postal_code: '41004', city: 'Sevilla', province: 'Sevilla', country: 'ES' };
const input: NewAccount = { modality: 'POSTPAID', payment_method: { type: 'DIRECT_DEBIT', details: { iban: IBAN } }, billing_address: SEVILLA };

let data: ReturnType<ReturnType<Store['sandbox']>['api']>;
let telco: Accounts;
let yoigo: Accounts;
beforeEach(async () => {
  const store = await Store.open({ inMemory: true, defaultSeed: 1, loadFixtures: seed => loadFixtures([masstack], seed) });
  data = store.sandbox().api('masstack');
  telco = new Accounts(data, 'telco', () => NOW);
  yoigo = new Accounts(data, 'yoigo', () => NOW);
});

/** status, kind and, for field problems, each field with its rule. */
const summary = (fn: () => unknown) => {
  const p = problemOf(fn);
  return { status: p.status, kind: p.kind, fields: p.fields.map(f => `${f.field} ${f.rule}`) };
};

describe('organization scoping', () => {
  test('a telco customer and account do not exist in yoigo', () => {
    expect(telco.get(EXAMPLE.directDebitAccount).customer_id).toBe(EXAMPLE.customer);
    expect(summary(() => yoigo.get(EXAMPLE.directDebitAccount))).toMatchObject({ status: 404, kind: 'account_not_found' });
    expect(summary(() => yoigo.listIds(EXAMPLE.customer))).toMatchObject({ status: 404, kind: 'customer_not_found' });
    expect(summary(() => yoigo.create(EXAMPLE.customer, input))).toMatchObject({ status: 404, kind: 'customer_not_found' });
    expect(summary(() => yoigo.changePaymentMethod(EXAMPLE.directDebitAccount, { type: 'BANK_TRANSFER' }))).toMatchObject({ status: 404, kind: 'account_not_found' });
    expect(summary(() => yoigo.delete(EXAMPLE.customer, EXAMPLE.creditCardAccount))).toMatchObject({ status: 404, kind: 'customer_not_found' });
    expect(summary(() => yoigo.availablePaymentMethods(EXAMPLE.customer, EXAMPLE.teciAccount))).toMatchObject({ status: 404, kind: 'customer_not_found' });
  });

  test('an unknown organization is not found', () => {
    const nowhere = new Accounts(data, 'nowhere', () => NOW);
    expect(summary(() => nowhere.get(EXAMPLE.directDebitAccount))).toMatchObject({ status: 404, kind: 'organization_not_found' });
    expect(summary(() => nowhere.listIds(EXAMPLE.customer))).toMatchObject({ status: 404, kind: 'organization_not_found' });
  });

  test('an account of another customer is not found through this customer', () => {
    expect(summary(() => telco.delete(EXAMPLE.singleAccountCustomer, EXAMPLE.creditCardAccount))).toMatchObject({ status: 404, kind: 'account_not_found' });
    expect(summary(() => telco.availablePaymentMethods(EXAMPLE.singleAccountCustomer, EXAMPLE.teciAccount))).toMatchObject({ status: 404, kind: 'account_not_found' });
  });
});

describe('listing and reading', () => {
  test('lists a customer\'s accounts oldest first; none for a customer without accounts', () => {
    expect(telco.listIds(EXAMPLE.customer)).toEqual([
      EXAMPLE.directDebitAccount,
      EXAMPLE.bankTransferAccount,
      EXAMPLE.creditCardAccount,
      EXAMPLE.teciAccount,
      EXAMPLE.prepaidCardAccount,
    ]);
    expect(telco.listIds(EXAMPLE.customerWithoutAccounts)).toEqual([]);
    expect(summary(() => telco.listIds(UNKNOWN))).toMatchObject({ status: 404, kind: 'customer_not_found' });
  });

  test('an account shows no org_id; an unknown one is not found', () => {
    expect(telco.get(EXAMPLE.directDebitAccount)).not.toHaveProperty('org_id');
    expect(summary(() => telco.get(UNKNOWN))).toMatchObject({ status: 404, kind: 'account_not_found' });
  });
});

describe('creating', () => {
  test('stores the account with an invoice cycle and no pending charges; it is listed and readable', () => {
    const account = telco.create(EXAMPLE.customerWithoutAccounts, input);
    expect(account).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      customer_id: EXAMPLE.customerWithoutAccounts,
      modality: 'POSTPAID',
      payment_method: { type: 'DIRECT_DEBIT', details: { iban: IBAN } },
      billing_address: SEVILLA,
      invoice: { cycle: { name: 'CYCLE_01', day: 1, type: 'ARREARS', frequency: 'MONTHLY' } },
      pending_charges: { count: 0, amount: '0.00', currency: 'EUR' },
      created_at: NOW.toISOString(),
      updated_at: NOW.toISOString(),
    });
    expect(telco.listIds(EXAMPLE.customerWithoutAccounts)).toEqual([account.id]);
    expect(telco.get(account.id)).toEqual(account);
    expect(summary(() => yoigo.get(account.id))).toMatchObject({ status: 404 });
  });

  test('a prepaid account is invoiced in advance on the day it was created, at most the 28th', () => {
    expect(invoiceCycleFor('RECURRING_PREPAID', new Date('2026-11-21T10:00:00Z'))).toEqual({ name: 'CYCLE_21', day: 21, type: 'ADVANCE', frequency: 'MONTHLY' });
    expect(invoiceCycleFor('RECURRING_PREPAID', new Date('2026-01-31T10:00:00Z')).day).toBe(28);
    expect(invoiceCycleFor('POSTPAID', new Date('2026-01-31T10:00:00Z')).day).toBe(1);
  });

  test('details a type takes none of are not stored: {} and null mean no details', () => {
    const a = telco.create(EXAMPLE.customer, { modality: 'POSTPAID', payment_method: { type: 'BANK_TRANSFER', details: {} }, billing_address: SEVILLA });
    expect(a.payment_method).toEqual({ type: 'BANK_TRANSFER' });
    const b = telco.create(EXAMPLE.customer, { modality: 'RECURRING_PREPAID', payment_method: { type: 'TECI', details: null }, billing_address: SEVILLA });
    expect(b.payment_method).toEqual({ type: 'TECI' });
  });

  test('an unknown customer is not found', () => {
    expect(summary(() => telco.create(UNKNOWN, input))).toMatchObject({ status: 404, kind: 'customer_not_found' });
  });

  describe('duplicates: same modality, payment method and billing address', () => {
    beforeEach(() => telco.create(EXAMPLE.customer, input));

    test.each([
      ['the same account again', input],
      ['an address differing only in case and spaces', { ...input, billing_address: { ...SEVILLA, address_lines: ['  avenida de la   Constitución 12 ', 'LOCAL 4'], city: 'SEVILLA' } }],
    ])('%s is a conflict', (_, again) => {
      expect(summary(() => telco.create(EXAMPLE.customer, again))).toMatchObject({ status: 409, kind: 'duplicate_account' });
    });

    test('an existing fixture account is duplicated too (TECI prepaid without address)', () => {
      expect(summary(() => telco.create(EXAMPLE.customer, { modality: 'RECURRING_PREPAID', payment_method: { type: 'TECI' } }))).toMatchObject({ status: 409 });
    });

    test.each([
      ['another modality', { modality: 'RECURRING_PREPAID', payment_method: { type: 'CREDIT_CARD', details: { token_id: TOKEN } }, billing_address: SEVILLA }],
      ['another IBAN', { ...input, payment_method: { type: 'DIRECT_DEBIT', details: { iban: 'ES9121000418450200051332' } } }],
      ['another payment method type', { ...input, payment_method: { type: 'BANK_TRANSFER' } }],
      ['another address', { ...input, billing_address: { ...SEVILLA, postal_code: '41005' } }],
      ['no address', { modality: 'POSTPAID', payment_method: input.payment_method }],
    ] as Array<[string, NewAccount]>)('%s is a new account', (_, other) => {
      expect(telco.create(EXAMPLE.customer, other).id).toBeDefined();
    });

    test('the same account for another customer is not a duplicate', () => {
      expect(telco.create(EXAMPLE.singleAccountCustomer, input).customer_id).toBe(EXAMPLE.singleAccountCustomer);
    });
  });

  test('"undefined" address lines are refused, naming each', () => {
    const error = summary(() =>
      telco.create(EXAMPLE.customer, { ...input, billing_address: { ...SEVILLA, address_lines: ['Calle Mayor 1', 'undefined', ' undefined '] } }),
    );
    expect(error).toEqual({
      status: 400,
      kind: 'validation',
      fields: ['body.billing_address.address_lines.1 undefined_address_line', 'body.billing_address.address_lines.2 undefined_address_line'],
    });
  });

  test('payment method rules apply under payment_method', () => {
    const error = summary(() => telco.create(EXAMPLE.customer, { modality: 'RECURRING_PREPAID', payment_method: { type: 'DIRECT_DEBIT' } }));
    expect(error.fields).toEqual(['body.payment_method.details.iban details_required']);
    expect(telco.listIds(EXAMPLE.customer)).toHaveLength(5);
  });
});

describe('changing the payment method', () => {
  const change = (method: PaymentMethod, account: string = EXAMPLE.bankTransferAccount) => telco.changePaymentMethod(account, method);

  test.each([
    ['DIRECT_DEBIT with an IBAN', EXAMPLE.bankTransferAccount, { type: 'DIRECT_DEBIT', details: { iban: IBAN } }, { type: 'DIRECT_DEBIT', details: { iban: IBAN } }],
    ['CREDIT_CARD with a token', EXAMPLE.bankTransferAccount, { type: 'CREDIT_CARD', details: { token_id: TOKEN } }, { type: 'CREDIT_CARD', details: { token_id: TOKEN } }],
    ['BANK_TRANSFER without details', EXAMPLE.directDebitAccount, { type: 'BANK_TRANSFER' }, { type: 'BANK_TRANSFER' }],
    ['BANK_TRANSFER with null details', EXAMPLE.directDebitAccount, { type: 'BANK_TRANSFER', details: null }, { type: 'BANK_TRANSFER' }],
    ['TECI with empty details on a prepaid account', EXAMPLE.prepaidCardAccount, { type: 'TECI', details: {} }, { type: 'TECI' }],
    ['BANK_TRANSFER with an IBAN (the provider\'s own example)', EXAMPLE.bankTransferAccount, { type: 'BANK_TRANSFER', details: { iban: IBAN } }, { type: 'BANK_TRANSFER', details: { iban: IBAN } }],
    ['CREDIT_CARD with an IBAN too', EXAMPLE.bankTransferAccount, { type: 'CREDIT_CARD', details: { token_id: TOKEN, iban: IBAN } }, { type: 'CREDIT_CARD', details: { token_id: TOKEN, iban: IBAN } }],
    ['TECI on a postpaid account', EXAMPLE.bankTransferAccount, { type: 'TECI' }, { type: 'TECI' }],
    ['DIRECT_DEBIT on a prepaid account', EXAMPLE.teciAccount, { type: 'DIRECT_DEBIT', details: { iban: IBAN } }, { type: 'DIRECT_DEBIT', details: { iban: IBAN } }],
    ['BANK_TRANSFER on a prepaid account', EXAMPLE.teciAccount, { type: 'BANK_TRANSFER' }, { type: 'BANK_TRANSFER' }],
  ] as Array<[string, string, PaymentMethod, PaymentMethod]>)('%s is stored and shown', (_, account, method, shown) => {
    change(method, account);
    expect(telco.get(account)).toMatchObject({ payment_method: shown, updated_at: NOW.toISOString() });
  });

  test.each([
    ['DIRECT_DEBIT without details', { type: 'DIRECT_DEBIT' }, ['body.details.iban details_required']],
    ['DIRECT_DEBIT with null details', { type: 'DIRECT_DEBIT', details: null }, ['body.details.iban details_required']],
    ['DIRECT_DEBIT with a token instead', { type: 'DIRECT_DEBIT', details: { token_id: TOKEN } }, ['body.details.iban details_required']],
    ['DIRECT_DEBIT with a wrong check digit', { type: 'DIRECT_DEBIT', details: { iban: 'ES7921000813610123456788' } }, ['body.details.iban invalid_iban']],
    ['DIRECT_DEBIT with the wrong length for Spain', { type: 'DIRECT_DEBIT', details: { iban: 'ES792100081361012345678' } }, ['body.details.iban invalid_iban']],
    ['DIRECT_DEBIT with an unknown country', { type: 'DIRECT_DEBIT', details: { iban: 'XX7921000813610123456789' } }, ['body.details.iban invalid_iban']],
    ['CREDIT_CARD without a token', { type: 'CREDIT_CARD', details: {} }, ['body.details.token_id details_required']],
  ] as Array<[string, PaymentMethod, string[]]>)('%s is refused, naming the field', (_, method, fields) => {
    const before = telco.get(EXAMPLE.bankTransferAccount);
    expect(summary(() => change(method))).toEqual({ status: 400, kind: 'validation', fields });
    expect(telco.get(EXAMPLE.bankTransferAccount)).toEqual(before);
  });
});

describe('IBANs', () => {
  test.each([
    ['ES7921000813610123456789', undefined],
    ['DE89370400440532013000', undefined],
    ['ES7921000813610123456788', 'has invalid check digits'],
    ['ES1721000813620123456789', 'has invalid national check digits'], // right ISO check digits, wrong Spanish ones
    ['DE88370400440532013000', 'has invalid check digits'],
    ['ES79210008136101234567', 'has the wrong length for its country'],
    ['XX7921000813610123456789', 'does not start with a known IBAN country code'],
  ])('%s', (iban, problem) => {
    expect(ibanProblem(iban)).toBe(problem);
  });
});

describe('available payment methods', () => {
  test.each([
    [EXAMPLE.directDebitAccount, 'POSTPAID', 'DIRECT_DEBIT'],
    [EXAMPLE.teciAccount, 'RECURRING_PREPAID', 'TECI'],
  ])('are every type, whatever the modality (%s)', (account, modality, current) => {
    expect(telco.availablePaymentMethods(EXAMPLE.customer, account)).toEqual({
      account_id: account,
      modality,
      current,
      payment_methods: [
        { type: 'DIRECT_DEBIT', required_details: ['iban'] },
        { type: 'BANK_TRANSFER', required_details: [] },
        { type: 'CREDIT_CARD', required_details: ['token_id'] },
        { type: 'TECI', required_details: [] },
      ],
    });
  });

  test('show the current method after a change', () => {
    telco.changePaymentMethod(EXAMPLE.teciAccount, { type: 'CREDIT_CARD', details: { token_id: TOKEN } });
    expect(telco.availablePaymentMethods(EXAMPLE.customer, EXAMPLE.teciAccount).current).toBe('CREDIT_CARD');
  });
});

describe('deleting', () => {
  test('removes the account from the list and from reads', () => {
    telco.delete(EXAMPLE.customer, EXAMPLE.creditCardAccount);
    expect(telco.listIds(EXAMPLE.customer)).not.toContain(EXAMPLE.creditCardAccount);
    expect(summary(() => telco.get(EXAMPLE.creditCardAccount))).toMatchObject({ status: 404 });
    expect(summary(() => telco.delete(EXAMPLE.customer, EXAMPLE.creditCardAccount))).toMatchObject({ status: 404, kind: 'account_not_found' });
  });

  test('an account with pending charges is refused', () => {
    expect(summary(() => telco.delete(EXAMPLE.customer, EXAMPLE.bankTransferAccount))).toMatchObject({ status: 409, kind: 'pending_charges' });
    expect(telco.listIds(EXAMPLE.customer)).toContain(EXAMPLE.bankTransferAccount);
  });

  test('the customer\'s only account is refused, until the customer has another', () => {
    expect(summary(() => telco.delete(EXAMPLE.singleAccountCustomer, EXAMPLE.singleAccount))).toMatchObject({ status: 409, kind: 'only_account' });
    const second = telco.create(EXAMPLE.singleAccountCustomer, input);
    telco.delete(EXAMPLE.singleAccountCustomer, EXAMPLE.singleAccount);
    expect(telco.listIds(EXAMPLE.singleAccountCustomer)).toEqual([second.id]);
    expect(summary(() => telco.delete(EXAMPLE.singleAccountCustomer, second.id))).toMatchObject({ status: 409, kind: 'only_account' });
  });

  test('deleting down to one account: the last one stays', () => {
    const deletable = [EXAMPLE.directDebitAccount, EXAMPLE.creditCardAccount, EXAMPLE.teciAccount];
    for (const id of deletable) telco.delete(EXAMPLE.customer, id);
    telco.delete(EXAMPLE.customer, EXAMPLE.prepaidCardAccount);
    expect(telco.listIds(EXAMPLE.customer)).toEqual([EXAMPLE.bankTransferAccount]);
  });
});

describe('writes through the admin data API', () => {
  const write = (collection: string, key: string, record: Record<string, unknown> | null) => checkAdminWrite({ collection, key, record, now: NOW }, data);
  const stored = () => ({ ...telco.get(EXAMPLE.directDebitAccount), org_id: 'telco' }) as unknown as Record<string, unknown>;

  test('an account is stored with updated_at stamped and its payment method made canonical', () => {
    const record = { ...stored(), payment_method: { type: 'BANK_TRANSFER', details: {} } };
    expect(write('accounts', EXAMPLE.directDebitAccount, record)).toEqual({ ...record, payment_method: { type: 'BANK_TRANSFER' }, updated_at: NOW.toISOString() });
  });

  test.each([
    ['a customer of another organization', { org_id: 'yoigo' }, 'customer_id'],
    ['an unknown organization', { org_id: 'vodafone' }, 'org_id'],
    ['a payment method without the details its type requires', { payment_method: { type: 'CREDIT_CARD' } }, 'body.payment_method.details.token_id'],
    ['an invalid IBAN', { payment_method: { type: 'DIRECT_DEBIT', details: { iban: 'ES7921000813610123456788' } } }, 'body.payment_method.details.iban'],
  ])('an account with %s is refused', (_, change, field) => {
    const error = problemOf(() => write('accounts', EXAMPLE.directDebitAccount, { ...stored(), ...change }));
    expect({ status: error.status, field: error.fields[0]?.field }).toEqual({ status: 400, field });
  });

  test('a customer needs an existing organization and cannot leave its accounts behind', () => {
    const customer = { id: EXAMPLE.customer, org_id: 'telco', first_name: 'Lucía', last_name: 'Fernández Ruiz', created_at: '2024-03-01T09:30:00Z' };
    expect(write('customers', EXAMPLE.customer, customer)).toEqual(customer);
    expect(problemOf(() => write('customers', EXAMPLE.customer, { ...customer, org_id: 'vodafone' })).status).toBe(400);
    expect(problemOf(() => write('customers', EXAMPLE.customer, { ...customer, org_id: 'yoigo' })).status).toBe(409);
    expect(problemOf(() => write('customers', EXAMPLE.customer, null)).status).toBe(409);
    expect(write('customers', EXAMPLE.customerWithoutAccounts, null)).toBeNull();
  });

  test('an organization with customers cannot be deleted', () => {
    expect(problemOf(() => write('organizations', 'telco', null))).toMatchObject({ status: 409, kind: 'conflict' });
    expect(write('organizations', 'orange', { id: 'orange', name: 'Orange' })).toEqual({ id: 'orange', name: 'Orange' });
  });
});
