// The PayEx resources as the API shows them: stored records plus derived figures, with the
// `@id`, `href` and link paths the provider uses (below the base URL, without the sandbox prefix).
import type {
  AccountRecord,
  BillRecord,
  CardRecord,
  RecurringConfigurationRecord,
  RecurringConsentRecord,
  ReservationRecord,
  TransactionRecord,
} from './records.js';
import { fromCents } from './money.js';
import type { components } from '../../generated/payex.js';

type Schemas = components['schemas'];
export type Operation = Schemas['Operation'];
export type AccountResource = Schemas['Account'];
export type BillResource = Schemas['Bill'];
export type CardResource = Schemas['Card'];

export const ledgerPath = (ledgerNo: string) => `/ledger/account/v1/${ledgerNo}`;
export const accountPath = (ledgerNo: string, accountNo: string) => `${ledgerPath(ledgerNo)}/accounts/${accountNo}`;
export const billPath = (bill: Pick<BillRecord, 'ledgerNo' | 'accountNo' | 'billId'>) =>
  `${accountPath(bill.ledgerNo, bill.accountNo)}/bills/${bill.billId}`;
export const cardPath = (card: Pick<CardRecord, 'ledgerNo' | 'accountNo' | 'token'>) =>
  `${accountPath(card.ledgerNo, card.accountNo)}/cards/${card.token}`;

/** Account figures in cents, derived from transactions and reservations. */
export interface AccountFigures {
  totalBalance: number;
  reservedAmount: number;
  availableAmount: number;
  maxPaymentAmount: number;
}

/** The query string for links: the given parameters that have a value, in order. */
export function queryString(params: Array<[string, string | number | undefined]>): string {
  const parts = params.filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

/** What can be done with an account in its status (the provider's `operation` links). */
function accountOperations(account: AccountRecord): Operation[] {
  const path = accountPath(account.ledgerNo, account.accountNo);
  const onboarding = `/ledger/account-onboardings/v1/${account.ledgerNo}/accounts/${account.accountNo}`;
  if (account.status === 'Closed') return [];
  const patch: Operation = { rel: 'partial-update', method: 'patch', href: path };
  if (account.status === 'PendingClose') return [patch];
  return [
    { rel: 'add-card-info', method: 'post', href: `${path}/cards` },
    { rel: 'request-close-account', method: 'post', href: `${path}/request-close-account` },
    { rel: 'apply-for-raised-credit-limit', method: 'post', href: `${onboarding}/apply-for-raised-credit-limit` },
    patch,
  ];
}

export function presentAccount(account: AccountRecord, figures: AccountFigures, openBill: BillRecord | undefined): AccountResource {
  const path = accountPath(account.ledgerNo, account.accountNo);
  return {
    '@id': path,
    accountNo: account.accountNo,
    startDate: account.startDate,
    description: account.description,
    accountProfileType: account.accountProfileType,
    accountAlias: account.accountAlias,
    customerNo: account.customerNo,
    status: account.status,
    creditLimit: account.creditLimit,
    totalBalance: fromCents(figures.totalBalance),
    reservedAmount: fromCents(figures.reservedAmount),
    availableAmount: fromCents(figures.availableAmount),
    maxPaymentAmount: fromCents(figures.maxPaymentAmount),
    openBill: openBill ? billPath(openBill) : null,
    charityDonation: account.charityDonation,
    interestRate: account.interestRate,
    bankPayment: account.bankPayment,
    activePaymentOrders: `${path}/active-payment-orders`,
    recurringPaymentConfiguration: `${path}/recurring-payment-configuration`,
    recurringPaymentConsent: `${path}/recurring-payment-consent`,
    cards: `${path}/cards`,
    transactions: `${path}/transactions`,
    currency: account.currency,
    bills: `${path}/bills`,
    customer: `/ledger/customers/v1/${account.ledgerNo}/customer/${account.customerNo}`,
    operation: accountOperations(account),
  };
}

/** What is left to pay of a bill's minimum amount, in cents. */
export const remainingCents = (bill: BillRecord): number =>
  Math.max(0, Math.round(bill.minimumAmountToBePayed * 100) - Math.round(bill.amountPaid * 100));

export function presentBill(bill: BillRecord, paymentOrderExists: boolean): BillResource {
  const path = billPath(bill);
  return {
    '@id': path,
    dueDate: bill.dueDate,
    billDate: bill.billDate,
    billNo: bill.billNo,
    billAmount: bill.billAmount,
    billType: bill.billType,
    status: bill.status,
    externalBillId: bill.externalBillId,
    activePaymentDetails:
      bill.status === 'open'
        ? {
            minimumAmountToBePayed: fromCents(remainingCents(bill)),
            ...bill.paymentDetails,
            paymentOrdersExists: paymentOrderExists,
          }
        : null,
    document: `${path}/document`,
  };
}

export function presentCardListItem(card: CardRecord): Schemas['CardListItem'] {
  return {
    token: card.token,
    PanTrunc: card.PanTrunc,
    deleted: card.deleted,
    mainCard: card.mainCard,
    cardHolder: card.cardHolder,
    '@id': cardPath(card),
  };
}

export function presentCard(card: CardRecord): CardResource {
  const path = cardPath(card);
  const operation: Operation[] = card.deleted
    ? []
    : [
        { rel: 'partial-update', method: 'patch', href: path },
        { rel: 'add-replacement-card', method: 'post', href: `${path}/add-replacement-card` },
      ];
  return { ...presentCardListItem(card), parentHREF: accountPath(card.ledgerNo, card.accountNo), operation };
}

export const presentTransaction = (t: TransactionRecord): Schemas['Transaction'] => ({
  type: t.type,
  description: t.description,
  amount: t.amount,
  initiatedFromPointOfSale: t.initiatedFromPointOfSale,
  date: t.date,
});

export const presentReservation = (r: ReservationRecord): Schemas['Reservation'] => ({ amount: r.amount, description: r.description, date: r.date });

export function presentConfiguration(configuration: RecurringConfigurationRecord): Schemas['RecurringPaymentConfiguration'] {
  const path = accountPath(configuration.ledgerNo, configuration.accountNo);
  return {
    '@id': `${path}/recurring-payment-configuration`,
    paymentMethod: configuration.paymentMethod,
    paymentScope: configuration.paymentScope,
    fixedAmount: configuration.fixedAmount,
    parentHREF: path,
    operation: [
      { rel: 'partially-update-recurring-payment-consent', method: 'patch', href: `${path}/recurring-payment-consent` },
    ],
  };
}

export function presentConsent(consent: RecurringConsentRecord): Schemas['RecurringPaymentConsent'] {
  const path = accountPath(consent.ledgerNo, consent.accountNo);
  return {
    '@id': `${path}/recurring-payment-consent`,
    paymentMethod: consent.paymentMethod,
    status: consent.status,
    bankAccountNo: consent.bankAccountNo,
    bankAccountType: consent.bankAccountType,
    parentHREF: path,
  };
}

/** One page of a `$top`/`$skip` list, with the provider's `view` links. */
export function pageOf<T>(items: T[], path: string, top: number, skip: number): { items: T[]; view: Schemas['View'] } {
  const view: Schemas['View'] = { '@id': `${path}${queryString([['$top', top], ['$skip', skip]])}` };
  if (skip + top < items.length) view.next = `${path}${queryString([['$top', top], ['$skip', skip + top]])}`;
  return { items: items.slice(skip, skip + top), view };
}
