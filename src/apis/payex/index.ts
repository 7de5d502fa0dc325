// PayEx Ledger — Account API `ledger/account/v1` (seed 001), mounted at /payex.
import type { ApiModule } from '../../core/api-module.js';
import { renderProblem } from './errors.js';
import { EXAMPLE, generateFixtures } from './fixtures.js';
import { handlers } from './handlers.js';
import { keyOf } from './records.js';
import { Ledger } from './state.js';

export const payex: ApiModule = {
  slug: 'payex',
  title: 'PayEx Ledger — Account API',
  providerBaseUrl: 'https://api.sandbox.payex.com',
  collections: {
    accounts: { schema: 'AccountRecord', description: 'Accounts under `<ledgerNo>/<accountNo>`; their figures are derived', keyOf: keyOf.accounts },
    bills: { schema: 'BillRecord', description: 'Bills under `<ledgerNo>/<accountNo>/<billId>`', keyOf: keyOf.bills },
    cards: { schema: 'CardRecord', description: 'Cards under `<ledgerNo>/<token>` (a token is unique on its ledger)', keyOf: keyOf.cards },
    transactions: { schema: 'TransactionRecord', description: 'Transactions; they make up totalBalance', keyOf: keyOf.transactions },
    reservations: { schema: 'ReservationRecord', description: 'Outstanding reservations; they make up reservedAmount', keyOf: keyOf.reservations },
    recurringPaymentConfigurations: {
      schema: 'RecurringPaymentConfigurationRecord',
      description: 'Recurring payment configurations under `<ledgerNo>/<accountNo>`',
      keyOf: keyOf.recurringPaymentConfigurations,
    },
    recurringPaymentConsents: {
      schema: 'RecurringPaymentConsentRecord',
      description: 'Recurring payment (autogiro) consents under `<ledgerNo>/<accountNo>`',
      keyOf: keyOf.recurringPaymentConsents,
    },
  },
  generateFixtures,
  fixtureDates: { bills: ['billDate', 'dueDate'], transactions: ['date'], reservations: ['date'] },
  handlers,
  passDay: ({ data, day, now }) => new Ledger(data, () => now).passDay(day),
  renderProblem,
  // The provider documents some paths with a trailing slash (`…/recurring-payment-configuration/`).
  ignoreTrailingSlash: true,
  beforeAdminWrite: (write, data) => new Ledger(data, () => write.now).checkAdminWrite(write),
  tryIt: () => [{ method: 'GET', path: `/ledger/account/v1/${EXAMPLE.ledgerNo}/accounts/${EXAMPLE.accountNo}`, headers: { authorization: 'Bearer test' } }],
};
