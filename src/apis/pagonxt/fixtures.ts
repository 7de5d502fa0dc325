// Deterministic PagoNxt fixtures: customers with real accounts in GB and ES (EUR and GBP), some with
// virtual accounts — with their own virtual IBANs (`*-VA` models) or referenced by a supplementaryId
// (`*-REF` models, uuid only). Every IBAN and BBAN has correct check digits. The reference's own
// examples are included so its requests work as printed.
import type { Faker } from '@faker-js/faker';
import { composeIBAN } from 'ibantools';
import { FIXTURE_REFERENCE_DATE, seededFaker } from '../../core/fixtures.js';
import { ACCOUNTS, uuidOf, type AccountIdentifier, type AccountRecord, type LegalEntity, type ReconciliationModel } from './state.js';

type Country = 'GB' | 'ES';

/** The reference's legal entity for GB; the Spanish one is the sandbox's invention. */
const LEGAL_ENTITIES: Record<Country, LegalEntity> = {
  GB: { bic: 'PNXTGB2LXXX', legalEntityId: 'pagonxt_uk', legalEntityName: 'PagoNxt OneTrade UK Ltd' },
  ES: { bic: 'PNXTESMMXXX', legalEntityId: 'pagonxt_es', legalEntityName: 'PagoNxt OneTrade Spain SL' },
};

/** GB: Bank(4) + Sort code(6) + Account(8), the reference's bank code and sort code. */
const GB_BANK_AND_SORT_CODE = 'PNXT099911';
/** ES: Banco(4) + Sucursal(4) + CD(2) + CTA(10); a fictional bank code. */
const ES_BANK = '6999';

export const EXAMPLE_CUSTOMER = 'pagonxt_esESB76134758';
/** The reference's path example: a GB account of the example customer. */
export const EXAMPLE_ACCOUNT = '2507b89c-b680-46df-9505-e0b6f78cf295';
const EXAMPLE_ACCOUNT_BBAN = 'PNXT09991191626338';

/** The reference's response example, with its two slips corrected (IBAN check digits; updatedAt before createdAt). */
const REFERENCE_EXAMPLE: AccountRecord = {
  accountIdentifiers: [
    { accountIdType: 'uuid', accountId: '0589bd6c-cca4-4b46-9c8a-b786171e66e1', country: 'GB' },
    { accountIdType: 'iban', accountId: 'GB73PNXT09991100000010', country: 'GB' },
    { accountIdType: 'bban', accountId: 'PNXT09991100000010', country: 'GB' },
  ],
  customerId: 'PNXTGB2LXXXUS1234567890',
  baseCurrency: 'EUR',
  productName: 'eMoney Account',
  nickName: 'My E Money Account',
  reconciliationModel: 'PS-REF',
  supplementaryId: 'PN2345ABCD',
  virtualAccountStructureId: '42dbdc87-a491-4566-bb97-eb2d9aea4707',
  legalEntity: LEGAL_ENTITIES.GB,
  balances: { available: { amount: { amount: 99.99, currency: 'GBP' }, lastChangeDateTime: '2024-11-08T16:08:36.068Z' } },
  createdAt: '2024-11-06T16:08:36.068Z',
  updatedAt: '2024-11-08T16:08:36.068Z',
};

const CURRENCIES: Record<Country, string[]> = { GB: ['GBP', 'GBP', 'EUR'], ES: ['EUR'] };
const SUPPLEMENTARY_DIGITS = '23456789';
const SUPPLEMENTARY_LETTERS = 'ABCDEFGHJKMNPQRSTUVWXYZ';

/** Spanish "dígitos de control": one over 00 + bank + branch, one over the account number. */
export function spanishCheckDigits(bank: string, branch: string, account: string): string {
  const weights = [1, 2, 4, 8, 5, 10, 9, 7, 3, 6];
  const digit = (digits: string) => {
    const d = 11 - ([...digits].reduce((sum, c, i) => sum + Number(c) * weights[i], 0) % 11);
    return String(d === 11 ? 0 : d === 10 ? 1 : d);
  };
  return digit(`00${bank}${branch}`) + digit(account);
}

function bban(faker: Faker, country: Country): string {
  if (country === 'GB') return `${GB_BANK_AND_SORT_CODE}${faker.string.numeric(8)}`;
  const branch = faker.string.numeric(4);
  const account = faker.string.numeric(10);
  return `${ES_BANK}${branch}${spanishCheckDigits(ES_BANK, branch, account)}${account}`;
}

function identifiers(uuid: string, country: Country, accountBban?: string): AccountIdentifier[] {
  const ids: AccountIdentifier[] = [{ accountIdType: 'uuid', accountId: uuid, country }];
  if (accountBban) {
    ids.push({ accountIdType: 'iban', accountId: composeIBAN({ countryCode: country, bban: accountBban })!, country });
    ids.push({ accountIdType: 'bban', accountId: accountBban, country });
  }
  return ids;
}

const stamp = (date: Date) => date.toISOString();

export function generateFixtures(seed: number) {
  const faker = seededFaker(seed);
  const accounts: Record<string, AccountRecord> = {};
  const add = (record: AccountRecord) => {
    accounts[uuidOf(record)!] = record;
    return record;
  };

  const times = (after: Date) => {
    const createdAt = faker.date.between({ from: after, to: FIXTURE_REFERENCE_DATE });
    const updatedAt = faker.date.between({ from: createdAt, to: FIXTURE_REFERENCE_DATE });
    return { createdAt, updatedAt };
  };
  const balance = (currency: string, createdAt: Date, updatedAt: Date, max: number) => ({
    available: {
      amount: { amount: faker.number.float({ min: -0.05 * max, max, fractionDigits: 2 }), currency },
      lastChangeDateTime: stamp(faker.date.between({ from: createdAt, to: updatedAt })),
    },
  });

  const realAccount = (customerId: string, country: Country, options: { uuid?: string; bban?: string; model: ReconciliationModel; virtuals: number }) => {
    const { createdAt, updatedAt } = times(new Date('2023-01-01T00:00:00.000Z'));
    const currency = faker.helpers.arrayElement(CURRENCIES[country]);
    const real = add({
      accountIdentifiers: identifiers(options.uuid ?? faker.string.uuid(), country, options.bban ?? bban(faker, country)),
      customerId,
      baseCurrency: currency,
      productName: 'eMoney Account',
      ...(faker.datatype.boolean() ? { nickName: `${currency} ${faker.helpers.arrayElement(['collections', 'payouts', 'operations', 'treasury'])}` } : {}),
      reconciliationModel: options.model,
      ...(options.virtuals ? { virtualAccountStructureId: faker.string.uuid() } : {}),
      legalEntity: LEGAL_ENTITIES[country],
      balances: balance(currency, createdAt, updatedAt, 250_000),
      createdAt: stamp(createdAt),
      updatedAt: stamp(updatedAt),
    });
    const referenced = options.model.endsWith('-REF');
    const supplementaryIds = new Set<string>();
    for (let i = 0; i < options.virtuals; i++) {
      const virtualTimes = times(new Date(real.createdAt));
      let supplementaryId = '';
      while (referenced && (!supplementaryId || supplementaryIds.has(supplementaryId))) {
        supplementaryId = `PN${faker.string.fromCharacters(SUPPLEMENTARY_DIGITS, 4)}${faker.string.fromCharacters(SUPPLEMENTARY_LETTERS, 4)}`;
      }
      supplementaryIds.add(supplementaryId);
      add({
        // Referenced virtual accounts are internal (uuid only); the others have virtual IBANs.
        accountIdentifiers: identifiers(faker.string.uuid(), country, referenced ? undefined : bban(faker, country)),
        customerId,
        baseCurrency: currency,
        productName: 'Virtual Account',
        nickName: `${faker.company.buzzNoun()} ${i + 1}`,
        ...(referenced ? { supplementaryId } : {}),
        virtualAccountStructureId: real.virtualAccountStructureId,
        legalEntity: LEGAL_ENTITIES[country],
        realAccountIdentifiers: real.accountIdentifiers.map(id => ({ realAccountId: id.accountId, realAccountIdType: id.accountIdType, country: id.country })),
        balances: balance(currency, virtualTimes.createdAt, virtualTimes.updatedAt, 20_000),
        createdAt: stamp(virtualTimes.createdAt),
        updatedAt: stamp(virtualTimes.updatedAt),
      });
    }
  };

  // The example customer: a GB account with virtual IBANs, an ES account with referenced virtual accounts, a plain ES account.
  realAccount(EXAMPLE_CUSTOMER, 'GB', { uuid: EXAMPLE_ACCOUNT, bban: EXAMPLE_ACCOUNT_BBAN, model: 'PS-VA', virtuals: 2 });
  realAccount(EXAMPLE_CUSTOMER, 'ES', { model: 'COL-REF', virtuals: 2 });
  realAccount(EXAMPLE_CUSTOMER, 'ES', { model: 'PS-VA', virtuals: 0 });
  add(REFERENCE_EXAMPLE);

  const customers: Array<[string, Country]> = [
    [`pagonxt_esES${faker.string.fromCharacters('ABCDEFGHJNPQRSUVW')}${faker.string.numeric(8)}`, 'ES'],
    [`pagonxt_esES${faker.string.fromCharacters('ABCDEFGHJNPQRSUVW')}${faker.string.numeric(8)}`, 'ES'],
    [`pagonxt_enGB${faker.string.numeric(9)}`, 'GB'],
    [`pagonxt_enGB${faker.string.numeric(9)}`, 'GB'],
  ];
  for (const [customerId, home] of customers) {
    const count = faker.number.int({ min: 1, max: 3 });
    for (let n = 0; n < count; n++) {
      const country: Country = n === 2 ? (home === 'GB' ? 'ES' : 'GB') : home;
      realAccount(customerId, country, {
        model: faker.helpers.arrayElement(['PS-VA', 'PS-REF', 'COL-VA', 'COL-REF'] as const),
        virtuals: faker.helpers.arrayElement([0, 0, 1, 2, 3]),
      });
    }
  }
  return { [ACCOUNTS]: accounts };
}
