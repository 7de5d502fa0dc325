// Deterministic MasStack fixtures: organizations telco, masmovil and yoigo, each with customers
// holding zero, one and several accounts in both modalities and with every payment method type.
// A fixed example set in `telco` (the README's and the spec's examples) stays the same for every seed.
import type { Faker } from '@faker-js/faker';
import { composeIBAN, isValidBBAN } from 'ibantools';
import { seededFaker } from '../../core/fixtures.js';
import {
  invoiceCycleFor,
  type BillingAddress,
  type Customer,
  type Modality,
  type Organization,
  type PaymentMethod,
  type PaymentType,
  type StoredAccount,
} from './state.js';

export const EXAMPLE = {
  org: 'telco',
  /** Lucía: five accounts, both modalities, every payment method type; one has pending charges. */
  customer: 'b5c3a1d2-6f4e-4a8b-9c7d-1e2f3a4b5c6d',
  directDebitAccount: '0a6e1c2b-3d4f-4a5b-8c6d-7e8f9a0b1c2d',
  bankTransferAccount: '1b7f2d3c-4e5a-4b6c-9d7e-8f9a0b1c2d3e',
  creditCardAccount: '2c8a3e4d-5f6b-4c7d-8e8f-9a0b1c2d3e4f',
  teciAccount: '3d9b4f5e-6a7c-4d8e-9f9a-0b1c2d3e4f5a',
  prepaidCardAccount: '4e0c5a6f-7b8d-4e9f-8a0b-1c2d3e4f5a6b',
  /** Jorge: one account. */
  singleAccountCustomer: 'c6d4b2e3-7a5f-4b9c-8d0e-2f3a4b5c6d7e',
  singleAccount: '5f1d6b7a-8c9e-4f0a-9b1c-2d3e4f5a6b7c',
  /** Marta: no account yet. */
  customerWithoutAccounts: 'd7e5c3f4-8b6a-4c0d-9e1f-3a4b5c6d7e8f',
} as const;

const ORGANIZATIONS: Organization[] = [
  { id: 'telco', name: 'Telco (MásMóvil group sandbox tenant)' },
  { id: 'masmovil', name: 'MásMóvil' },
  { id: 'yoigo', name: 'Yoigo' },
];

/** Accounts per generated customer in each organization: zero, one and several. */
const ACCOUNT_COUNTS = [0, 1, 3, 2, 1, 4, 0, 2];

const MADRID: BillingAddress = { address_lines: ['Calle de Alcalá 48', '3º B'], postal_code: '28014', city: 'Madrid', province: 'Madrid', country: 'ES' };
const BILBAO: BillingAddress = { address_lines: ['Gran Vía de Don Diego López de Haro 21'], postal_code: '48001', city: 'Bilbao', province: 'Bizkaia', country: 'ES' };
const NONE = { count: 0, amount: '0.00', currency: 'EUR' } as const;

function exampleAccount(
  id: string,
  customerId: string,
  modality: Modality,
  paymentMethod: PaymentMethod,
  created: string,
  extra: Pick<StoredAccount, 'billing_address'> & Partial<Pick<StoredAccount, 'pending_charges'>> = {},
): StoredAccount {
  return {
    id,
    org_id: EXAMPLE.org,
    customer_id: customerId,
    modality,
    payment_method: paymentMethod,
    ...(extra.billing_address ? { billing_address: extra.billing_address } : {}),
    invoice: { cycle: invoiceCycleFor(modality, new Date(created)) },
    pending_charges: extra.pending_charges ?? NONE,
    created_at: created,
    updated_at: created,
  };
}

const EXAMPLE_CUSTOMERS: Customer[] = [
  { id: EXAMPLE.customer, org_id: 'telco', first_name: 'Lucía', last_name: 'Fernández Ruiz', created_at: '2024-03-01T09:30:00Z' },
  { id: EXAMPLE.singleAccountCustomer, org_id: 'telco', first_name: 'Jorge', last_name: 'Martín Soler', created_at: '2024-05-10T16:05:00Z' },
  { id: EXAMPLE.customerWithoutAccounts, org_id: 'telco', first_name: 'Marta', last_name: 'Iglesias Prieto', created_at: '2025-01-20T11:45:00Z' },
];

const EXAMPLE_ACCOUNTS: StoredAccount[] = [
  exampleAccount(EXAMPLE.directDebitAccount, EXAMPLE.customer, 'POSTPAID', { type: 'DIRECT_DEBIT', details: { iban: 'ES9121000418450200051332' } }, '2024-03-04T10:15:00Z', {
    billing_address: MADRID,
  }),
  exampleAccount(EXAMPLE.bankTransferAccount, EXAMPLE.customer, 'POSTPAID', { type: 'BANK_TRANSFER' }, '2024-04-02T12:00:00Z', {
    billing_address: BILBAO,
    pending_charges: { count: 2, amount: '37.80', currency: 'EUR' },
  }),
  exampleAccount(EXAMPLE.creditCardAccount, EXAMPLE.customer, 'POSTPAID', { type: 'CREDIT_CARD', details: { token_id: '6a1f7e2d-9b3c-4d5e-8f60-718293a4b5c6' } }, '2024-06-18T08:20:00Z', {
    billing_address: MADRID,
  }),
  exampleAccount(EXAMPLE.teciAccount, EXAMPLE.customer, 'RECURRING_PREPAID', { type: 'TECI' }, '2024-09-09T19:40:00Z'),
  exampleAccount(EXAMPLE.prepaidCardAccount, EXAMPLE.customer, 'RECURRING_PREPAID', { type: 'CREDIT_CARD', details: { token_id: '7b2a8f3e-0c4d-4e6f-9a71-8293a4b5c6d7' } }, '2025-02-14T13:00:00Z'),
  exampleAccount(EXAMPLE.singleAccount, EXAMPLE.singleAccountCustomer, 'RECURRING_PREPAID', { type: 'CREDIT_CARD', details: { token_id: '8c3b9a4f-1d5e-4f70-8b82-93a4b5c6d7e8' } }, '2024-05-10T16:30:00Z'),
];

const seconds = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** A Spanish IBAN whose national and international check digits are both right. */
/** The combinations the fixtures use: typical ones, not a rule (any type suits any modality). */
const TYPICAL_PAYMENT_METHODS: Readonly<Record<Modality, readonly PaymentType[]>> = {
  POSTPAID: ['DIRECT_DEBIT', 'BANK_TRANSFER', 'CREDIT_CARD'],
  RECURRING_PREPAID: ['CREDIT_CARD', 'TECI'],
};

function spanishIban(faker: Faker): string {
  let bban: string;
  do bban = faker.string.numeric(20);
  while (!isValidBBAN(bban, 'ES'));
  return composeIBAN({ countryCode: 'ES', bban })!;
}

function paymentMethod(faker: Faker, type: PaymentType): PaymentMethod {
  if (type === 'DIRECT_DEBIT') return { type, details: { iban: spanishIban(faker) } };
  if (type === 'CREDIT_CARD') return { type, details: { token_id: faker.string.uuid() } };
  return { type };
}

function billingAddress(faker: Faker): BillingAddress {
  const lines = [faker.location.streetAddress()];
  if (faker.datatype.boolean()) lines.push(faker.location.secondaryAddress());
  return { address_lines: lines, postal_code: faker.location.zipCode('#####'), city: faker.location.city(), province: faker.location.state(), country: 'ES' };
}

export function generateFixtures(seed: number) {
  const faker = seededFaker(seed, ['es']);
  const organizations = Object.fromEntries(ORGANIZATIONS.map(o => [o.id, o]));
  const customers: Record<string, Customer> = Object.fromEntries(EXAMPLE_CUSTOMERS.map(c => [c.id, c]));
  const accounts: Record<string, StoredAccount> = Object.fromEntries(EXAMPLE_ACCOUNTS.map(a => [a.id, a]));

  for (const org of ORGANIZATIONS) {
    // Every organization uses every payment method type: the generated accounts cycle through them.
    const plan: Array<[Modality, PaymentType]> = (Object.keys(TYPICAL_PAYMENT_METHODS) as Modality[]).flatMap(m =>
      TYPICAL_PAYMENT_METHODS[m].map(t => [m, t] as [Modality, PaymentType]),
    );
    let next = faker.number.int({ min: 0, max: plan.length - 1 });
    for (const count of ACCOUNT_COUNTS) {
      const customerCreated = faker.date.past({ years: 4 });
      const customer: Customer = {
        id: faker.string.uuid(),
        org_id: org.id,
        first_name: faker.person.firstName(),
        last_name: `${faker.person.lastName()} ${faker.person.lastName()}`,
        created_at: seconds(customerCreated),
      };
      customers[customer.id] = customer;
      for (let n = 0; n < count; n++) {
        const [modality, type] = plan[next++ % plan.length];
        const created = faker.date.between({ from: customerCreated, to: '2026-10-31T00:00:00Z' });
        created.setUTCMilliseconds(0);
        const account: StoredAccount = {
          id: faker.string.uuid(),
          org_id: org.id,
          customer_id: customer.id,
          modality,
          payment_method: paymentMethod(faker, type),
          billing_address: billingAddress(faker),
          invoice: { cycle: invoiceCycleFor(modality, created) },
          pending_charges: faker.number.int({ min: 1, max: 5 }) === 1
            ? { count: faker.number.int({ min: 1, max: 3 }), amount: faker.finance.amount({ min: 5, max: 120, dec: 2 }), currency: 'EUR' }
            : NONE,
          created_at: seconds(created),
          updated_at: seconds(created),
        };
        accounts[account.id] = account;
      }
    }
  }
  return { organizations, customers, accounts };
}
