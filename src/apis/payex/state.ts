// The PayEx ledger: accounts and their bills, cards, transactions, reservations and recurring
// payments, with the business rules of a small ledger, independent of HTTP. Account figures are
// derived from transactions and reservations on every read, so no write can make them inconsistent.
import type { AdminWrite } from '../../core/api-module.js';
import type { TimelineEntry } from '../../core/clock.js';
import { HttpProblem, invalidField, problem, type FieldProblem } from '../../core/problem.js';
import type { ApiData, Collection } from '../../core/store.js';
import type { components } from '../../generated/payex.js';
import { addDays, isRealDay, isoDay, monthDays } from './days.js';
import { fromCents, hasAtMostTwoDecimals, sumCents, toCents } from './money.js';
import {
  COLLECTIONS,
  DEBT_LOWERING_TYPES,
  accountKey,
  billIdPrefix,
  billKey,
  cardKey,
  keyOf,
  pspPaymentKey,
  type AccountRecord,
  type BillPaymentDetails,
  type BillRecord,
  type BillType,
  type CardHolder,
  type CardRecord,
  type PaymentScope,
  type RecurringConfigurationRecord,
  type RecurringConsentRecord,
  type ReservationRecord,
  type TransactionRecord,
} from './records.js';
import {
  accountPath,
  billPath,
  ledgerPath,
  pageOf,
  presentAccount,
  presentBill,
  presentCard,
  presentCardListItem,
  presentConfiguration,
  presentConsent,
  presentReservation,
  presentTransaction,
  queryString,
  remainingCents,
  type AccountFigures,
  type AccountResource,
} from './resources.js';

/** Accounts per page of the account list (the provider does not say; `skip` pages through them). */
export const ACCOUNT_PAGE_SIZE = 10;
/** The largest surplus an account may hold: a deposit may pay the whole debt and this much more. */
export const MAX_SURPLUS = 50_000;
/** "The last 30 days": today and the 30 days before it. */
export const DEFAULT_TRANSACTION_DAYS = 30;

// ---- time passing (all inferred: the provider documents the documents, not the schedule) -------

/** A reservation is captured into a `purchase` this many days after its date. */
export const CAPTURE_AFTER_DAYS = 3;
/** A bill is due this many days after its bill date (month end). */
export const DAYS_TO_PAY = 20;
/** An unpaid bill (or reminder) becomes the next reminder this many days after its due date. */
export const REMINDER_AFTER_DAYS = 5;
/** A reminder is due this many days after it is sent; a collection demand after this many. */
export const REMINDER_DAYS_TO_PAY = 14;
export const COLLECTION_DAYS_TO_PAY = 30;
/** Fees in cents: `reminderFee` per reminder, `collectionFee` once, `billingFee` per bill where the profile has one. */
export const REMINDER_FEE = 6000;
export const COLLECTION_FEE = 18000;
export const BILLING_FEES: Readonly<Record<string, number>> = { kontokredit: 2900, kontofaktura: 2900 };
/** The least amount to pay on a bill: 3 % of the balance, at least 150.00 (or the whole balance below that). */
export const MINIMUM_PAYMENT = 15000;
export const MINIMUM_PAYMENT_SHARE = 0.03;
/** What each unpaid document becomes. */
const NEXT_REMINDER: Partial<Record<BillType, BillType>> = { bill: 'reminder1', reminder1: 'reminder2', reminder2: 'collection' };

/** PayEx problem codes beyond the core's generic kinds (the provider's table, plus a few inferred ones). */
type Schemas = components['schemas'];

const notFound = (code: string, message: string) => new HttpProblem(404, code, message);
const conflict = (code: string, message: string) => new HttpProblem(409, code, message);

export interface AccountFilter {
  accountNo?: string;
  customerNo?: string;
  skip: number;
}

/** What the request bodies carry, as the spec (src/generated/payex.ts) describes them. */
export type AccountPatch = Schemas['AccountPatch'];
export type PspPayment = Schemas['PspPayment'];
export type CardInput = Schemas['CardInput'];
export type CardPatch = Schemas['CardPatch'];
export type ConfigurationInput = Schemas['RecurringPaymentConfigurationInput'];
export type ConfigurationPatch = Schemas['RecurringPaymentConfigurationPatch'];
export type ConsentPatch = Schemas['RecurringPaymentConsentPatch'];

export interface TransactionFilter {
  fromDate?: string;
  todate?: string;
  month?: string;
}

export interface Paging {
  top: number;
  skip: number;
}

interface PaymentOrder {
  bill: BillRecord;
  amountCents: number;
}

/**
 * A Swedish personal identity number (`YYYYMMDD-NNNC`): a real date (day + 60 for a coordination
 * number) and a Luhn check digit over `YYMMDDNNN`.
 */
export function swedishIdentityNumberValid(value: string): boolean {
  const match = /^(\d{4})(\d{2})(\d{2})-(\d{3})(\d)$/.exec(value);
  if (!match) return false;
  const [, year, month, day, serial, check] = match;
  const realDay = Number(day) > 60 ? String(Number(day) - 60).padStart(2, '0') : day;
  if (!isRealDay(`${year}-${month}-${realDay}`)) return false;
  const digits = `${year.slice(2)}${month}${day}${serial}`;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    const product = Number(digits[i]) * (i % 2 === 0 ? 2 : 1);
    sum += product > 9 ? product - 9 : product;
  }
  return (10 - (sum % 10)) % 10 === Number(check);
}

export class Ledger {
  private readonly accounts: Collection<AccountRecord>;
  private readonly bills: Collection<BillRecord>;
  private readonly cards: Collection<CardRecord>;
  private readonly transactions: Collection<TransactionRecord>;
  private readonly reservations: Collection<ReservationRecord>;
  private readonly configurations: Collection<RecurringConfigurationRecord>;
  private readonly consents: Collection<RecurringConsentRecord>;

  constructor(
    data: ApiData,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.accounts = data.collection<AccountRecord>(COLLECTIONS.accounts);
    this.bills = data.collection<BillRecord>(COLLECTIONS.bills);
    this.cards = data.collection<CardRecord>(COLLECTIONS.cards);
    this.transactions = data.collection<TransactionRecord>(COLLECTIONS.transactions);
    this.reservations = data.collection<ReservationRecord>(COLLECTIONS.reservations);
    this.configurations = data.collection<RecurringConfigurationRecord>(COLLECTIONS.recurringPaymentConfigurations);
    this.consents = data.collection<RecurringConsentRecord>(COLLECTIONS.recurringPaymentConsents);
  }

  /** Today, as a UTC day. */
  today(): string {
    return isoDay(this.now());
  }

  // ---- accounts -------------------------------------------------------------------------------

  /**
   * The ledger's accounts by account number, a page at a time. With `customerNo`, the customer must
   * own an account on the ledger; with both filters, the account must be the customer's
   * (else `customer-not-found`).
   */
  listAccounts(ledgerNo: string, filter: AccountFilter): Schemas['AccountList'] {
    let accounts = this.accounts.where('ledgerNo', ledgerNo);
    // Inferred: a ledger number with no account is not a ledger at PayEx (404, documented for listing).
    if (!accounts.length) throw notFound('not-found', `ledger ${ledgerNo} not found`);
    if (filter.customerNo !== undefined) {
      accounts = accounts.filter(a => a.customerNo === filter.customerNo);
      if (!accounts.length) throw notFound('customer-not-found', `customer ${filter.customerNo} has no accounts on ledger ${ledgerNo}`);
    }
    if (filter.accountNo !== undefined) {
      accounts = accounts.filter(a => a.accountNo === filter.accountNo);
      if (!accounts.length && filter.customerNo !== undefined) {
        throw notFound('customer-not-found', `account ${filter.accountNo} does not belong to customer ${filter.customerNo}`);
      }
    }
    accounts.sort((a, b) => compare(a.accountNo, b.accountNo));
    const base = `${ledgerPath(ledgerNo)}/accounts`;
    const link = (skip: number) =>
      `${base}${queryString([['accountNo', filter.accountNo], ['customerNo', filter.customerNo], ['skip', skip]])}`;
    const { skip } = filter;
    const navigation: Schemas['AccountList']['navigation'] = {
      '@id': link(skip),
      first: link(0),
      previous: link(Math.max(0, skip - ACCOUNT_PAGE_SIZE)),
    };
    if (skip + ACCOUNT_PAGE_SIZE < accounts.length) navigation.next = link(skip + ACCOUNT_PAGE_SIZE);
    return {
      items: accounts.slice(skip, skip + ACCOUNT_PAGE_SIZE).map(a => this.present(a)),
      navigation,
    };
  }

  getAccount(ledgerNo: string, accountNo: string): AccountResource {
    return this.present(this.requireAccount(ledgerNo, accountNo));
  }

  /**
   * The account's figures, in cents: `totalBalance` is the sum of its transactions, `reservedAmount`
   * of its reservations; `availableAmount` = creditLimit − totalBalance − reservedAmount, at least 0;
   * `maxPaymentAmount` = totalBalance + MAX_SURPLUS, at least 0, and 0 unless the account is Open.
   */
  figures(account: AccountRecord): AccountFigures {
    const totalBalance = sumCents(this.transactionsOf(account).map(t => t.amount));
    const reservedAmount = sumCents(this.reservationsOf(account).map(r => r.amount));
    return {
      totalBalance,
      reservedAmount,
      availableAmount: Math.max(0, toCents(account.creditLimit) - totalBalance - reservedAmount),
      maxPaymentAmount: account.status === 'Open' ? Math.max(0, totalBalance + toCents(MAX_SURPLUS)) : 0,
    };
  }

  /** Changes `charityDonation` and/or lowers `creditLimit` (never raises it, never below 0). */
  updateAccount(ledgerNo: string, accountNo: string, patch: AccountPatch): void {
    const account = this.requireAccount(ledgerNo, accountNo);
    const unknown = Object.keys(patch).filter(k => k !== 'charityDonation' && k !== 'creditLimit');
    if (unknown.length) throw validation(unknown.map(field => ({ field, message: 'cannot be changed; only charityDonation and creditLimit can' })));
    if (!Object.keys(patch).length) throw invalidField('body', 'names nothing to change (charityDonation or creditLimit)');
    this.refuseIfClosed(account, 'changed');
    const next = { ...account };
    if (patch.charityDonation !== undefined) {
      if (typeof patch.charityDonation !== 'boolean') throw invalidField('charityDonation', 'must be true or false');
      next.charityDonation = patch.charityDonation;
    }
    if (patch.creditLimit !== undefined) {
      const limit = patch.creditLimit;
      if (typeof limit !== 'number' || !Number.isFinite(limit) || limit < 0) throw invalidField('creditLimit', 'must be a number of at least 0');
      if (!hasAtMostTwoDecimals(limit)) throw invalidField('creditLimit', 'must have at most 2 decimals');
      if (toCents(limit) > toCents(account.creditLimit)) {
        throw invalidField('creditLimit', `can only be lowered (it is ${account.creditLimit.toFixed(2)}); raising it requires signing`);
      }
      next.creditLimit = limit;
    }
    void this.accounts.put(accountKey(ledgerNo, accountNo), next);
  }

  /** Open → PendingClose; again while PendingClose changes nothing; a Closed account refuses. */
  requestCloseAccount(ledgerNo: string, accountNo: string): void {
    const account = this.requireAccount(ledgerNo, accountNo);
    this.refuseIfClosed(account, 'closed again');
    if (account.status === 'Open') void this.accounts.put(accountKey(ledgerNo, accountNo), { ...account, status: 'PendingClose' });
  }

  /**
   * Deposits `Amount` on an Open account: a `payment` transaction of −Amount dated `PaymentDate`,
   * which pays open bills oldest first. A PSP transaction id is registered once per ledger: the same
   * payment again changes nothing (`registered: false`); another payment with the id is a conflict.
   */
  registerPspPayment(ledgerNo: string, accountNo: string, payment: PspPayment): { registered: boolean } {
    const account = this.requireAccount(ledgerNo, accountNo);
    const id = pspPaymentKey(ledgerNo, payment.sourcePspPaymentTransactionId);
    const earlier = this.transactions.get(id);
    if (earlier) {
      const same = earlier.accountNo === accountNo && toCents(-earlier.amount) === toCents(payment.Amount) && earlier.date === payment.PaymentDate;
      if (same) return { registered: false };
      throw conflict(
        'duplicate-psp-payment',
        `sourcePspPaymentTransactionId ${payment.sourcePspPaymentTransactionId} was already registered on ledger ${ledgerNo} for another payment`,
      );
    }
    this.refuseUnlessOpen(account, 'takes no payments');
    if (!(payment.Amount > 0) || !hasAtMostTwoDecimals(payment.Amount)) throw invalidField('Amount', 'must be above 0 with at most 2 decimals');
    const { maxPaymentAmount } = this.figures(account);
    if (toCents(payment.Amount) > maxPaymentAmount) {
      throw invalidField('Amount', `must be at most the account's maxPaymentAmount (${fromCents(maxPaymentAmount).toFixed(2)})`);
    }
    if (!isRealDay(payment.PaymentDate)) throw invalidField('PaymentDate', 'must be a date (YYYY-MM-DD)');
    if (payment.PaymentDate > this.today()) throw invalidField('PaymentDate', `must not be in the future (today is ${this.today()})`);

    void this.transactions.put(id, {
      id,
      ledgerNo,
      accountNo,
      type: 'payment',
      description: `PSP payment ${payment.sourcePspPaymentTransactionId}`,
      amount: -payment.Amount,
      initiatedFromPointOfSale: false,
      date: payment.PaymentDate,
      sourcePspPaymentTransactionId: payment.sourcePspPaymentTransactionId,
    });
    this.payOpenBills(account, toCents(payment.Amount));
    return { registered: true };
  }

  // ---- bills ----------------------------------------------------------------------------------

  listBills(ledgerNo: string, accountNo: string, status?: Schemas['BillStatus']): Schemas['BillList'] {
    const account = this.requireAccount(ledgerNo, accountNo);
    const ordered = this.paymentOrderBills(account);
    const items = this.billsOf(account)
      .filter(b => status === undefined || b.status === status)
      .sort((a, b) => compare(b.billDate, a.billDate) || compare(b.billNo, a.billNo))
      .map(b => presentBill(b, ordered.has(b.billId)));
    return { '@id': `${accountPath(ledgerNo, accountNo)}/bills${queryString([['status', status]])}`, items };
  }

  getBill(ledgerNo: string, accountNo: string, billId: string): Schemas['Bill'] {
    const account = this.requireAccount(ledgerNo, accountNo);
    const bill = this.requireBill(account, billId);
    return presentBill(bill, this.paymentOrderBills(account).has(bill.billId));
  }

  /** What the bill's PDF shows. */
  billDocument(ledgerNo: string, accountNo: string, billId: string) {
    const account = this.requireAccount(ledgerNo, accountNo);
    const bill = this.requireBill(account, billId);
    const holder = this.cardsOf(account).find(c => c.mainCard)?.cardHolder.name;
    return { bill: presentBill(bill, this.paymentOrderBills(account).has(bill.billId)), record: bill, account, holder };
  }

  // ---- cards ----------------------------------------------------------------------------------

  listCards(ledgerNo: string, accountNo: string, paging: Paging): Schemas['CardList'] {
    const account = this.requireAccount(ledgerNo, accountNo);
    const path = `${accountPath(ledgerNo, accountNo)}/cards`;
    const { items, view } = pageOf(this.cardsOf(account).map(presentCardListItem), path, paging.top, paging.skip);
    return { operations: null, items, '@id': path, view };
  }

  getCard(ledgerNo: string, accountNo: string, token: string): Schemas['Card'] {
    return presentCard(this.requireCard(this.requireAccount(ledgerNo, accountNo), token));
  }

  /**
   * Adds a card to an Open account with a token new on the ledger. The provider's page states no
   * limit on main cards nor who holds one, so neither refuses a card (its own example adds a main
   * card to an account that has one).
   */
  addCard(ledgerNo: string, accountNo: string, input: CardInput): Schemas['Card'] {
    const account = this.requireAccount(ledgerNo, accountNo);
    this.refuseUnlessOpen(account, 'takes no new cards');
    this.checkNewCard(account, input);
    return presentCard(this.storeNewCard(account, input));
  }

  /** Deletes a card (`deleted: true`); a deleted card cannot be undeleted. */
  updateCard(ledgerNo: string, accountNo: string, token: string, patch: CardPatch): void {
    const account = this.requireAccount(ledgerNo, accountNo);
    const card = this.requireCard(account, token);
    const unknown = Object.keys(patch).filter(k => k !== 'deleted');
    if (unknown.length) throw validation(unknown.map(field => ({ field, message: 'cannot be changed; only deleted can' })));
    if (typeof patch.deleted !== 'boolean') throw invalidField('deleted', 'is required: true or false');
    this.refuseIfClosed(account, 'changed');
    if (patch.deleted === card.deleted) return;
    if (!patch.deleted) throw new HttpProblem(422, 'card-update-failed', `card ${token} is deleted and cannot be undeleted`);
    void this.cards.put(cardKey(ledgerNo, token), { ...card, deleted: true });
  }

  /**
   * Replaces a card: the old one is deleted and the new one added. A body with the replaced card's
   * own token (as in the provider's example) re-issues the card under that token.
   */
  replaceCard(ledgerNo: string, accountNo: string, token: string, input: CardInput): Schemas['Card'] {
    const account = this.requireAccount(ledgerNo, accountNo);
    const replaced = this.requireCard(account, token);
    this.refuseUnlessOpen(account, 'takes no new cards');
    if (replaced.deleted) throw new HttpProblem(422, 'card-update-failed', `card ${token} is deleted and cannot be replaced`);
    if (input.token !== replaced.token) this.checkNewCard(account, input);
    else this.checkCardInput(input);
    void this.cards.put(cardKey(ledgerNo, token), { ...replaced, deleted: true });
    return presentCard(this.storeNewCard(account, input));
  }

  // ---- transactions and reservations ----------------------------------------------------------

  /** Transactions newest first: a `fromDate`–`todate` range, a `month`, or by default the last 30 days. */
  listTransactions(ledgerNo: string, accountNo: string, filter: TransactionFilter): Schemas['TransactionList'] {
    const account = this.requireAccount(ledgerNo, accountNo);
    const { first, last } = this.transactionRange(filter);
    const items = this.transactionsOf(account)
      .map((t, index) => ({ t, index }))
      .filter(({ t }) => t.date >= first && t.date <= last)
      .sort((a, b) => compare(b.t.date, a.t.date) || b.index - a.index)
      .map(({ t }) => presentTransaction(t));
    const query = queryString([['fromDate', filter.fromDate], ['todate', filter.todate], ['month', filter.month]]);
    return { operations: null, items, '@id': `${accountPath(ledgerNo, accountNo)}/transactions${query}` };
  }

  /**
   * The first and last day a transaction filter covers. Without any filter, the last 30 days. Each
   * filter given narrows the range (the page states no rule against combining them): `fromDate`
   * alone runs to today, `todate` alone from the account's first day, `month` with a range keeps
   * the days in both. Only dates that are not dates, or a reversed range, are refused.
   */
  transactionRange(filter: TransactionFilter): { first: string; last: string } {
    const { fromDate, todate, month } = filter;
    const problems: FieldProblem[] = [];
    if (month !== undefined && !/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) problems.push({ field: 'month', message: 'must be a month (YYYY-MM)' });
    if (fromDate !== undefined && !isRealDay(fromDate)) problems.push({ field: 'fromDate', message: 'must be a date (YYYY-MM-DD)' });
    if (todate !== undefined && !isRealDay(todate)) problems.push({ field: 'todate', message: 'must be a date (YYYY-MM-DD)' });
    if (!problems.length && fromDate !== undefined && todate !== undefined && fromDate > todate) {
      problems.push({ field: 'fromDate', message: `must not be after todate (${todate})` });
    }
    if (problems.length) throw validation(problems);
    const today = this.today();
    if (month === undefined && fromDate === undefined && todate === undefined) return { first: addDays(today, -DEFAULT_TRANSACTION_DAYS), last: today };
    let first = fromDate ?? '0000-01-01';
    let last = todate ?? (fromDate !== undefined ? today : '9999-12-31');
    if (month !== undefined) {
      const days = monthDays(month);
      if (days.first > first) first = days.first;
      if (days.last < last) last = days.last;
    }
    return { first, last };
  }

  listReservations(ledgerNo: string, accountNo: string): Schemas['ReservationList'] {
    const account = this.requireAccount(ledgerNo, accountNo);
    const items = this.reservationsOf(account)
      .sort((a, b) => compare(b.date, a.date))
      .map(presentReservation);
    return { operations: null, items, '@id': `${accountPath(ledgerNo, accountNo)}/reservations` };
  }

  // ---- recurring payments ---------------------------------------------------------------------

  getRecurringConfiguration(ledgerNo: string, accountNo: string): Schemas['RecurringPaymentConfiguration'] {
    return presentConfiguration(this.requireConfiguration(this.requireAccount(ledgerNo, accountNo)));
  }

  createRecurringConfiguration(ledgerNo: string, accountNo: string, input: ConfigurationInput): Schemas['RecurringPaymentConfiguration'] {
    const account = this.requireAccount(ledgerNo, accountNo);
    this.refuseIfClosed(account, 'given recurring payments');
    const key = accountKey(ledgerNo, accountNo);
    if (input.paymentMethod === undefined) throw invalidField('paymentMethod', 'is required');
    if (input.paymentScope === undefined) throw invalidField('paymentScope', 'is required');
    const configuration = checkConfiguration({
      ledgerNo,
      accountNo,
      paymentMethod: input.paymentMethod,
      paymentScope: input.paymentScope,
      fixedAmount: input.fixedAmount ?? null,
    });
    void this.configurations.put(key, configuration);
    return presentConfiguration(configuration);
  }

  /** Changes the given properties; leaving `fixedRecurring` drops the fixed amount. */
  updateRecurringConfiguration(ledgerNo: string, accountNo: string, patch: ConfigurationPatch): void {
    const account = this.requireAccount(ledgerNo, accountNo);
    const current = this.requireConfiguration(account);
    const unknown = Object.keys(patch).filter(k => !['paymentMethod', 'paymentScope', 'fixedAmount'].includes(k));
    if (unknown.length) throw validation(unknown.map(field => ({ field, message: 'is not a property of the recurring payment configuration' })));
    this.refuseIfClosed(account, 'changed');
    const paymentScope = patch.paymentScope ?? current.paymentScope;
    const fixedAmount = patch.fixedAmount !== undefined ? patch.fixedAmount : paymentScope === 'fixedRecurring' ? current.fixedAmount : null;
    const next = checkConfiguration({ ...current, paymentMethod: patch.paymentMethod ?? current.paymentMethod, paymentScope, fixedAmount });
    void this.configurations.put(accountKey(ledgerNo, accountNo), next);
  }

  deleteRecurringConfiguration(ledgerNo: string, accountNo: string): void {
    const account = this.requireAccount(ledgerNo, accountNo);
    this.requireConfiguration(account);
    this.refuseIfClosed(account, 'changed');
    this.configurations.remove(accountKey(ledgerNo, accountNo));
  }

  getRecurringConsent(ledgerNo: string, accountNo: string): Schemas['RecurringPaymentConsent'] {
    return presentConsent(this.requireConsent(this.requireAccount(ledgerNo, accountNo)));
  }

  updateRecurringConsent(ledgerNo: string, accountNo: string, patch: ConsentPatch): void {
    const account = this.requireAccount(ledgerNo, accountNo);
    const consent = this.requireConsent(account);
    const unknown = Object.keys(patch).filter(k => !['status', 'bankAccountNo', 'bankAccountType'].includes(k));
    if (unknown.length) throw validation(unknown.map(field => ({ field, message: 'is not a property of the recurring payment consent' })));
    if (!Object.keys(patch).length) throw invalidField('body', 'names nothing to change');
    this.refuseIfClosed(account, 'changed');
    void this.consents.put(accountKey(ledgerNo, accountNo), {
      ...consent,
      ...(patch.status !== undefined ? { status: patch.status } : {}),
      ...(patch.bankAccountNo !== undefined ? { bankAccountNo: patch.bankAccountNo } : {}),
      ...(patch.bankAccountType !== undefined ? { bankAccountType: patch.bankAccountType } : {}),
    });
  }

  listActivePaymentOrders(ledgerNo: string, accountNo: string, paging: Paging): Schemas['ActivePaymentOrderList'] {
    const account = this.requireAccount(ledgerNo, accountNo);
    const orders = this.paymentOrders(account).map(o => ({
      paymentMethod: 'autogiro' as const,
      executeDate: o.bill.dueDate,
      amount: fromCents(o.amountCents),
    }));
    const { items, view } = pageOf(orders, `${accountPath(ledgerNo, accountNo)}/active-payment-orders`, paging.top, paging.skip);
    return { operations: null, items, view };
  }

  /**
   * The autogiro debits scheduled for the account: none without a configuration, an active consent,
   * or on a Closed account; else following the open bills not yet due — one per bill for its
   * remaining minimum (`billedAmount`), or one on the first such bill for `fixedAmount`
   * (`fixedRecurring`) or for the whole positive balance (`totalDebt`).
   */
  private paymentOrders(account: AccountRecord): PaymentOrder[] {
    const key = accountKey(account.ledgerNo, account.accountNo);
    const configuration = this.configurations.get(key);
    if (!configuration || account.status === 'Closed' || this.consents.get(key)?.status !== 'active') return [];
    const today = this.today();
    const upcoming = this.billsOf(account)
      .filter(b => b.status === 'open' && b.dueDate >= today)
      .sort((a, b) => compare(a.dueDate, b.dueDate) || compare(a.billNo, b.billNo));
    if (!upcoming.length) return [];
    let orders: PaymentOrder[];
    if (configuration.paymentScope === 'billedAmount') {
      orders = upcoming.map(bill => ({ bill, amountCents: remainingCents(bill) }));
    } else if (configuration.paymentScope === 'fixedRecurring') {
      orders = [{ bill: upcoming[0], amountCents: toCents(configuration.fixedAmount ?? 0) }];
    } else {
      orders = [{ bill: upcoming[0], amountCents: this.figures(account).totalBalance }];
    }
    return orders.filter(o => o.amountCents > 0);
  }

  private paymentOrderBills(account: AccountRecord): Set<string> {
    return new Set(this.paymentOrders(account).map(o => o.bill.billId));
  }

  // ---- time passing ---------------------------------------------------------------------------

  /**
   * What happens on the ledger when `day` passes, in order: reservations are captured, autogiro
   * payments due that day are drawn, unpaid documents past due become reminders, at month end every
   * account is charged interest and its billing fee and billed, and accounts waiting to close close.
   * The ledger's clock (`now`) is on that day.
   */
  passDay(day: string): TimelineEntry[] {
    return [
      ...this.captureReservations(day),
      ...this.drawAutogiroPayments(day),
      ...this.remindOverdueBills(day),
      ...(addDays(day, 1).endsWith('-01') ? this.closeMonth(day) : []),
      ...this.closePendingAccounts(day),
    ];
  }

  /**
   * Reservations are captured `CAPTURE_AFTER_DAYS` days after their date: each becomes a `purchase`
   * of its amount, so `reservedAmount` falls and `totalBalance` rises by as much (availableAmount
   * is unchanged). On a Closed account they expire instead.
   */
  captureReservations(day: string): TimelineEntry[] {
    const entries: TimelineEntry[] = [];
    const due = this.reservations.values().filter(r => addDays(r.date, CAPTURE_AFTER_DAYS) <= day);
    for (const reservation of due.sort((a, b) => compare(a.date, b.date) || compare(a.id, b.id))) {
      const account = this.accounts.get(accountKey(reservation.ledgerNo, reservation.accountNo));
      this.reservations.remove(reservation.id);
      const path = `${accountPath(reservation.ledgerNo, reservation.accountNo)}/transactions`;
      if (!account || account.status === 'Closed') {
        entries.push({ kind: 'expiry', summary: `reservation of ${money(reservation.amount)} on account ${reservation.accountNo} expired`, path });
        continue;
      }
      const id = `${reservation.ledgerNo}/capture/${reservation.id}`;
      void this.transactions.put(id, {
        id,
        ledgerNo: reservation.ledgerNo,
        accountNo: reservation.accountNo,
        type: 'purchase',
        description: reservation.description,
        amount: reservation.amount,
        initiatedFromPointOfSale: true,
        date: day,
      });
      entries.push({ kind: 'capture', summary: `reservation of ${money(reservation.amount)} on account ${reservation.accountNo} captured as a purchase`, path });
    }
    return entries;
  }

  /**
   * Autogiro: every payment order executing on `day` is drawn — a `payment` transaction of its amount
   * (at most what the account can take), which pays the open bills; the order then disappears.
   */
  drawAutogiroPayments(day: string): TimelineEntry[] {
    const entries: TimelineEntry[] = [];
    for (const key of this.configurations.values().map(c => accountKey(c.ledgerNo, c.accountNo))) {
      const account = this.accounts.get(key);
      if (!account || account.status === 'Closed') continue;
      const cents = this.paymentOrders(account)
        .filter(o => o.bill.dueDate === day)
        .reduce((sum, o) => sum + o.amountCents, 0);
      const amount = Math.min(cents, this.figures(account).totalBalance);
      if (amount <= 0) continue;
      const id = `${account.ledgerNo}/autogiro/${account.accountNo}/${day}`;
      void this.transactions.put(id, {
        id,
        ledgerNo: account.ledgerNo,
        accountNo: account.accountNo,
        type: 'payment',
        description: 'Autogiro',
        amount: -fromCents(amount),
        initiatedFromPointOfSale: false,
        date: day,
      });
      this.payOpenBills(account, amount);
      entries.push({ kind: 'payment', summary: `autogiro payment of ${money(fromCents(amount))} from account ${account.accountNo}`, path: `${accountPath(account.ledgerNo, account.accountNo)}/bills` });
    }
    return entries;
  }

  /**
   * An open document still unpaid `REMINDER_AFTER_DAYS` days after its due date is closed and
   * superseded by the next one, carrying what is left to pay plus its fee: a bill by a `reminder1`
   * (with a `reminderFee`), a reminder1 by a `reminder2` (another `reminderFee`), a reminder2 by a
   * `collection` demand (with a `collectionFee`). A collection stays open until paid.
   */
  remindOverdueBills(day: string): TimelineEntry[] {
    const entries: TimelineEntry[] = [];
    const overdue = this.bills
      .where('status', 'open')
      .filter(b => NEXT_REMINDER[b.billType] && addDays(b.dueDate, REMINDER_AFTER_DAYS) <= day && remainingCents(b) > 0)
      .sort((a, b) => compare(a.dueDate, b.dueDate) || compare(a.billNo, b.billNo));
    for (const bill of overdue) {
      const account = this.accounts.get(accountKey(bill.ledgerNo, bill.accountNo));
      if (!account || account.status === 'Closed') continue;
      const type = NEXT_REMINDER[bill.billType]!;
      const collection = type === 'collection';
      const feeCents = collection ? COLLECTION_FEE : REMINDER_FEE;
      const feeId = `${bill.ledgerNo}/${collection ? 'collection-fee' : 'reminder-fee'}/${bill.accountNo}/${bill.billNo}`;
      void this.transactions.put(feeId, {
        id: feeId,
        ledgerNo: bill.ledgerNo,
        accountNo: bill.accountNo,
        type: collection ? 'collectionFee' : 'reminderFee',
        description: collection ? 'Inkassoavgift' : 'Påminnelseavgift',
        amount: fromCents(feeCents),
        initiatedFromPointOfSale: false,
        date: day,
      });
      const owed = remainingCents(bill) + feeCents;
      void this.bills.put(billKey(bill.ledgerNo, bill.accountNo, bill.billId), { ...bill, status: 'closed' });
      const next = this.newBill(account, type, day, addDays(day, collection ? COLLECTION_DAYS_TO_PAY : REMINDER_DAYS_TO_PAY), owed, owed, bill.paymentDetails);
      const what = collection ? 'collection demand' : type === 'reminder1' ? 'reminder' : 'second reminder';
      entries.push({
        kind: collection ? 'collection' : 'reminder',
        summary: `${what} ${next.billNo} of ${money(fromCents(owed))} (fee ${money(fromCents(feeCents))}) for unpaid ${bill.billType} ${bill.billNo} on account ${bill.accountNo}`,
        path: billPath(next),
      });
    }
    return entries;
  }

  /**
   * Month end (`day` is the last day of its month), for every Open or PendingClose account: interest
   * on a positive balance at `debtInterest` / 12, plus `penaltyInterest` / 12 on what is overdue on
   * open bills, as `interest` transactions; the profile's `billingFee`; then a bill of the balance,
   * due `DAYS_TO_PAY` days later, whose minimum is 3 % of the balance (at least 150.00) less what
   * open bills already ask for.
   */
  closeMonth(day: string): TimelineEntry[] {
    const entries: TimelineEntry[] = [];
    const accounts = this.accounts.values().filter(a => a.status !== 'Closed');
    accounts.sort((a, b) => compare(a.ledgerNo, b.ledgerNo) || compare(a.accountNo, b.accountNo));
    for (const account of accounts) {
      const balance = this.figures(account).totalBalance;
      if (balance <= 0) continue;
      const path = accountPath(account.ledgerNo, account.accountNo);
      const charge = (type: 'interest' | 'billingFee', kind: string, cents: number, description: string) => {
        if (cents <= 0) return;
        const id = `${account.ledgerNo}/${kind}/${account.accountNo}/${day}`;
        void this.transactions.put(id, { id, ledgerNo: account.ledgerNo, accountNo: account.accountNo, type, description, amount: fromCents(cents), initiatedFromPointOfSale: false, date: day });
      };
      const open = this.billsOf(account).filter(b => b.status === 'open');
      const overdueCents = open.filter(b => b.dueDate < day).reduce((sum, b) => sum + remainingCents(b), 0);
      const interest = Math.round((balance * account.interestRate.debtInterest) / 1200);
      const penalty = Math.round((overdueCents * account.interestRate.penaltyInterest) / 1200);
      charge('interest', 'interest', interest, 'Ränta');
      charge('interest', 'penalty-interest', penalty, 'Dröjsmålsränta');
      if (interest + penalty > 0) {
        entries.push({ kind: 'interest', summary: `interest of ${money(fromCents(interest + penalty))} on account ${account.accountNo}`, path: `${path}/transactions` });
      }
      charge('billingFee', 'billing-fee', BILLING_FEES[account.accountProfileType] ?? 0, 'Aviavgift');

      const billed = this.figures(account).totalBalance;
      const asked = open.reduce((sum, b) => sum + remainingCents(b), 0);
      const minimum = Math.max(0, Math.min(billed, Math.max(MINIMUM_PAYMENT, Math.round(billed * MINIMUM_PAYMENT_SHARE))) - asked);
      const details = { ...this.payee(account), paymentReference: '' };
      const bill = this.newBill(account, 'bill', day, addDays(day, DAYS_TO_PAY), billed, minimum, details);
      entries.push({
        kind: 'bill',
        summary: `bill ${bill.billNo} of ${money(fromCents(billed))} for account ${account.accountNo}, ${minimum > 0 ? `due ${bill.dueDate}: pay at least ${money(fromCents(minimum))}` : 'nothing more to pay than open reminders ask'}`,
        path: billPath(bill),
      });
    }
    return entries;
  }

  /**
   * A PendingClose account with no open bill and no reservation closes: a surplus is paid out
   * (`disbursement`), its credit limit becomes 0. While it owes anything, it waits.
   */
  closePendingAccounts(day: string): TimelineEntry[] {
    const entries: TimelineEntry[] = [];
    for (const account of this.accounts.values().filter(a => a.status === 'PendingClose')) {
      const { totalBalance, reservedAmount } = this.figures(account);
      if (totalBalance > 0 || reservedAmount > 0 || this.billsOf(account).some(b => b.status === 'open')) continue;
      if (totalBalance < 0) {
        const id = `${account.ledgerNo}/disbursement/${account.accountNo}/${day}`;
        void this.transactions.put(id, {
          id,
          ledgerNo: account.ledgerNo,
          accountNo: account.accountNo,
          type: 'disbursement',
          description: 'Utbetalning av tillgodohavande',
          amount: fromCents(-totalBalance),
          initiatedFromPointOfSale: false,
          date: day,
        });
      }
      void this.accounts.put(accountKey(account.ledgerNo, account.accountNo), { ...account, status: 'Closed', creditLimit: 0 });
      entries.push({ kind: 'closure', summary: `account ${account.accountNo} closed`, path: accountPath(account.ledgerNo, account.accountNo) });
    }
    return entries;
  }

  /** A new open document with the ledger's next bill number and an OCR reference of it. */
  private newBill(account: AccountRecord, billType: BillType, billDate: string, dueDate: string, billCents: number, minimumCents: number, details: BillPaymentDetails): BillRecord {
    const numbers = this.bills.where('ledgerNo', account.ledgerNo).map(b => Number(b.billNo)).filter(Number.isSafeInteger);
    const billNo = String(numbers.length ? Math.max(...numbers) + 1 : 1);
    const bill: BillRecord = {
      ledgerNo: account.ledgerNo,
      accountNo: account.accountNo,
      billId: `${billIdPrefix(billType)}-${billNo}`,
      billNo,
      billType,
      billDate,
      dueDate,
      billAmount: fromCents(billCents),
      // A bill asking nothing beyond earlier open documents has nothing left to pay.
      status: minimumCents > 0 ? 'open' : 'closed',
      externalBillId: null,
      minimumAmountToBePayed: fromCents(minimumCents),
      amountPaid: 0,
      paymentDetails: { ...details, paymentReference: ocrReference(billNo) },
    };
    void this.bills.put(billKey(account.ledgerNo, account.accountNo, bill.billId), bill);
    return bill;
  }

  /** Where the account's bills are paid to: as on its latest bill, else its ledger's payee. */
  private payee(account: AccountRecord): BillPaymentDetails {
    const latest = this.billsOf(account).sort((a, b) => compare(b.billDate, a.billDate))[0]
      ?? this.bills.where('ledgerNo', account.ledgerNo)[0];
    if (latest) return latest.paymentDetails;
    const { bankAccountNo, bankAccountType, bic, iban } = account.bankPayment;
    return { bankAccountNo, bankAccountType: bankAccountType === 'BKNO' ? 'BGSE' : bankAccountType, bic, iban, paymentReference: '' };
  }

  // ---- admin data API -------------------------------------------------------------------------

  /**
   * Rules for a record written through the admin data API: it is stored under its own key, belongs
   * to an existing account, and keeps the ledger consistent (sign of transaction amounts, one main
   * card held by the owner, a PSP payment under its PSP key, the fixedAmount rule). An account that
   * still has records cannot be deleted. Returns the record to store, or null for a delete.
   */
  checkAdminWrite(write: AdminWrite): object | null {
    const { collection, key, record } = write;
    if (record === null) {
      if (collection === COLLECTIONS.accounts && write.previous) this.refuseDeletingAccountWithRecords(write.previous as unknown as AccountRecord);
      return null;
    }
    const expectedKey = keyOf[collection]?.(record);
    if (expectedKey !== undefined && expectedKey !== key) {
      throw invalidField('key', `must be ${expectedKey}: a ${collection} record is stored under that key`);
    }
    if (collection === COLLECTIONS.accounts) return record;
    const account = this.requireAccount(String(record.ledgerNo), String(record.accountNo));
    switch (collection) {
      case COLLECTIONS.transactions:
        checkTransactionRecord(record as unknown as TransactionRecord);
        break;
      case COLLECTIONS.bills:
        checkBillRecord(record as unknown as BillRecord);
        break;
      case COLLECTIONS.cards:
        break;
      case COLLECTIONS.recurringPaymentConfigurations:
        checkConfiguration(record as unknown as RecurringConfigurationRecord);
        break;
    }
    return record;
  }


  private refuseDeletingAccountWithRecords(account: AccountRecord): void {
    const key = accountKey(account.ledgerNo, account.accountNo);
    const has =
      this.transactionsOf(account).length > 0 ||
      this.reservationsOf(account).length > 0 ||
      this.billsOf(account).length > 0 ||
      this.cardsOf(account).length > 0 ||
      this.configurations.has(key) ||
      this.consents.has(key);
    if (has) {
      throw problem('conflict', `account ${account.accountNo} still has transactions, reservations, bills, cards or recurring payment settings: delete them first`);
    }
  }

  // ---- shared ---------------------------------------------------------------------------------

  private present(account: AccountRecord): AccountResource {
    const openBill = this.billsOf(account)
      .filter(b => b.status === 'open')
      .sort((a, b) => compare(b.billDate, a.billDate) || compare(b.billNo, a.billNo))[0];
    return presentAccount(account, this.figures(account), openBill);
  }

  /** Pays open bills oldest due first; a bill whose minimum amount is paid in full is closed. */
  private payOpenBills(account: AccountRecord, amountCents: number): void {
    let left = amountCents;
    const open = this.billsOf(account)
      .filter(b => b.status === 'open')
      .sort((a, b) => compare(a.dueDate, b.dueDate) || compare(a.billNo, b.billNo));
    for (const bill of open) {
      if (left <= 0) break;
      const paid = Math.min(left, remainingCents(bill));
      left -= paid;
      const amountPaid = fromCents(toCents(bill.amountPaid) + paid);
      const closed = remainingCents({ ...bill, amountPaid }) === 0;
      void this.bills.put(billKey(bill.ledgerNo, bill.accountNo, bill.billId), { ...bill, amountPaid, status: closed ? 'closed' : 'open' });
    }
  }

  private checkNewCard(account: AccountRecord, input: CardInput): void {
    const existing = this.cards.get(cardKey(account.ledgerNo, input.token));
    if (existing) {
      throw conflict('duplicate-card-token', `card token ${input.token} is already registered on ledger ${account.ledgerNo}`);
    }
    this.checkCardInput(input);
  }

  private checkCardInput(input: CardInput): void {
    if (input.deleted) throw invalidField('deleted', 'must be false for a new card');
    const identifier = input.cardHolder.nationalConsumerIdentifier;
    if (identifier.countryCode === 'SE' && !swedishIdentityNumberValid(identifier.value)) {
      throw new HttpProblem(400, 'invalid-reg-no', `${identifier.value} is not a valid Swedish personal identity number`, {
        fields: [{ field: 'cardHolder.nationalConsumerIdentifier.value', message: 'is not a valid personal identity number (date or check digit)' }],
      });
    }
  }

  private storeNewCard(account: AccountRecord, input: CardInput): CardRecord {
    const card: CardRecord = {
      ledgerNo: account.ledgerNo,
      accountNo: account.accountNo,
      token: input.token,
      PanTrunc: input.PanTrunc,
      deleted: false,
      mainCard: input.mainCard,
      cardHolder: input.cardHolder,
    };
    void this.cards.put(cardKey(account.ledgerNo, card.token), card);
    return card;
  }

  private refuseUnlessOpen(account: AccountRecord, what: string): void {
    if (account.status !== 'Open') throw problem('forbidden', `account ${account.accountNo} is ${account.status} and ${what}`);
  }

  private refuseIfClosed(account: AccountRecord, what: string): void {
    if (account.status === 'Closed') throw problem('forbidden', `account ${account.accountNo} is Closed and cannot be ${what}`);
  }

  private requireAccount(ledgerNo: string, accountNo: string): AccountRecord {
    const account = this.accounts.get(accountKey(ledgerNo, accountNo));
    if (!account) throw notFound('account-not-found', `account ${accountNo} not found on ledger ${ledgerNo}`);
    return account;
  }

  /** A bill by id (`bill-456`) or by its bare number (`456`), as the provider's example requests it. */
  private requireBill(account: AccountRecord, billId: string): BillRecord {
    const bill = /^\d+$/.test(billId)
      ? this.billsOf(account).find(b => b.billNo === billId)
      : this.bills.get(billKey(account.ledgerNo, account.accountNo, billId));
    if (!bill) throw notFound('bill-not-found', `bill ${billId} not found on account ${account.accountNo}`);
    return bill;
  }

  private requireCard(account: AccountRecord, token: string): CardRecord {
    const card = this.cards.get(cardKey(account.ledgerNo, token));
    if (!card || card.accountNo !== account.accountNo) throw notFound('card-not-found', `card ${token} not found on account ${account.accountNo}`);
    return card;
  }

  private requireConfiguration(account: AccountRecord): RecurringConfigurationRecord {
    const configuration = this.configurations.get(accountKey(account.ledgerNo, account.accountNo));
    if (!configuration) {
      throw notFound('recurring-payment-configuration-not-found', `account ${account.accountNo} has no recurring payment configuration`);
    }
    return configuration;
  }

  private requireConsent(account: AccountRecord): RecurringConsentRecord {
    const consent = this.consents.get(accountKey(account.ledgerNo, account.accountNo));
    if (!consent) throw notFound('recurring-payment-consent-not-found', `account ${account.accountNo} has no recurring payment consent`);
    return consent;
  }

  private ofAccount<T extends { ledgerNo: string; accountNo: string }>(collection: Collection<T>, account: AccountRecord): T[] {
    return collection.where('accountNo', account.accountNo).filter(r => r.ledgerNo === account.ledgerNo);
  }

  private transactionsOf = (account: AccountRecord) => this.ofAccount(this.transactions, account);
  private reservationsOf = (account: AccountRecord) => this.ofAccount(this.reservations, account);
  private billsOf = (account: AccountRecord) => this.ofAccount(this.bills, account);
  private cardsOf = (account: AccountRecord) => this.ofAccount(this.cards, account);
}

/** The fixedAmount rule: required and above 0 with `fixedRecurring`; otherwise only 0 or null, stored as null. */
function checkConfiguration(configuration: RecurringConfigurationRecord): RecurringConfigurationRecord {
  const { paymentScope, fixedAmount } = configuration;
  if (paymentScope === 'fixedRecurring') {
    if (fixedAmount === null || !(fixedAmount > 0)) throw invalidField('fixedAmount', 'is required and must be above 0 with paymentScope fixedRecurring');
    if (!hasAtMostTwoDecimals(fixedAmount)) throw invalidField('fixedAmount', 'must have at most 2 decimals');
    return configuration;
  }
  if (fixedAmount !== null && fixedAmount !== 0) {
    throw invalidField('fixedAmount', `only applies to paymentScope fixedRecurring, not ${paymentScope} (leave it out, 0 or null)`);
  }
  return { ...configuration, fixedAmount: null };
}

/** Debt-lowering transactions are negative, the others positive; `migratedBalance` may be either. */
function checkTransactionRecord(transaction: TransactionRecord): void {
  if (transaction.type === 'migratedBalance') return;
  if (transaction.amount === 0) throw invalidField('amount', 'must not be 0');
  const lowers = DEBT_LOWERING_TYPES.has(transaction.type);
  if (lowers !== transaction.amount < 0) {
    throw invalidField('amount', `must be ${lowers ? 'negative' : 'positive'} for a ${transaction.type} transaction`);
  }
  if (transaction.sourcePspPaymentTransactionId !== undefined && transaction.id !== pspPaymentKey(transaction.ledgerNo, transaction.sourcePspPaymentTransactionId)) {
    throw invalidField('id', `must be ${pspPaymentKey(transaction.ledgerNo, transaction.sourcePspPaymentTransactionId)} for a PSP payment`);
  }
}

/** A bill's id is its type's prefix and its number; what is paid never exceeds the minimum amount. */
function checkBillRecord(bill: BillRecord): void {
  const expected = `${billIdPrefix(bill.billType)}-${bill.billNo}`;
  if (bill.billId !== expected) throw invalidField('billId', `must be ${expected} for a ${bill.billType} numbered ${bill.billNo}`);
  if (toCents(bill.amountPaid) > toCents(bill.minimumAmountToBePayed)) throw invalidField('amountPaid', 'must not exceed minimumAmountToBePayed');
}

function validation(fields: FieldProblem[]): HttpProblem {
  return new HttpProblem(400, 'validation', fields.map(f => `${f.field} ${f.message}`).join('; '), { fields });
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const money = (amount: number) => `${amount.toFixed(2)} SEK`;

/** A Swedish OCR payment reference: the number (at least 6 digits) and its Luhn check digit. */
function ocrReference(billNo: string): string {
  const digits = billNo.padStart(6, '0');
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    const product = Number(digits[digits.length - 1 - i]) * (i % 2 === 0 ? 2 : 1);
    sum += product > 9 ? product - 9 : product;
  }
  return `${digits}${(10 - (sum % 10)) % 10}`;
}
