// What the PayEx ledger stores: one record type per collection (schemas `*Record` in specs/payex.yaml,
// generated into src/generated/payex.ts) and the keys records are stored under. Account figures are
// never stored: they are derived.
import type { components } from '../../generated/payex.js';

type Schemas = components['schemas'];

export type AccountStatus = Schemas['AccountStatus'];
export type BillType = Schemas['BillType'];
export type BillStatus = Schemas['BillStatus'];
export type TransactionType = Schemas['TransactionType'];
export type PaymentScope = Schemas['PaymentScope'];

/** Transaction types that lower the debt: their amounts are negative (`migratedBalance` may be either). */
export const DEBT_LOWERING_TYPES: ReadonlySet<TransactionType> = new Set(['payment', 'credit', 'deduction', 'disbursementReturned']);

export type BankPayment = Schemas['BankPayment'];
export type AccountRecord = Schemas['AccountRecord'];
export type BillPaymentDetails = Schemas['BillPaymentDetails'];
/** `billId` is `bill-<billNo>`, `reminder-<billNo>` (reminder1, reminder2) or `collection-<billNo>`; `amountPaid` of `minimumAmountToBePayed` is paid. */
export type BillRecord = Schemas['BillRecord'];
export type CardHolder = Schemas['CardHolder'];
export type CardRecord = Schemas['CardRecord'];
export type TransactionRecord = Schemas['TransactionRecord'];
export type ReservationRecord = Schemas['ReservationRecord'];
export type RecurringConfigurationRecord = Schemas['RecurringPaymentConfigurationRecord'];
export type RecurringConsentRecord = Schemas['RecurringPaymentConsentRecord'];

/** Collection names, as in the fixture file and the admin data API. */
export const COLLECTIONS = {
  accounts: 'accounts',
  bills: 'bills',
  cards: 'cards',
  transactions: 'transactions',
  reservations: 'reservations',
  recurringPaymentConfigurations: 'recurringPaymentConfigurations',
  recurringPaymentConsents: 'recurringPaymentConsents',
} as const;

export const accountKey = (ledgerNo: string, accountNo: string): string => `${ledgerNo}/${accountNo}`;
export const billKey = (ledgerNo: string, accountNo: string, billId: string): string => `${ledgerNo}/${accountNo}/${billId}`;
/** Card tokens are unique per ledger, so a card is stored under its ledger and token. */
export const cardKey = (ledgerNo: string, token: string): string => `${ledgerNo}/${token}`;
/** The id (and key) of a registered PSP payment's transaction: one per PSP transaction id and ledger, so it is registered once. */
export const pspPaymentKey = (ledgerNo: string, sourceId: string): string => `${ledgerNo}/psp/${sourceId}`;

/** The key each collection's records are stored under (for the admin data API). */
export const keyOf: Record<string, (record: Record<string, unknown>) => string> = {
  accounts: r => accountKey(String(r.ledgerNo), String(r.accountNo)),
  bills: r => billKey(String(r.ledgerNo), String(r.accountNo), String(r.billId)),
  cards: r => cardKey(String(r.ledgerNo), String(r.token)),
  transactions: r => String(r.id),
  reservations: r => String(r.id),
  recurringPaymentConfigurations: r => accountKey(String(r.ledgerNo), String(r.accountNo)),
  recurringPaymentConsents: r => accountKey(String(r.ledgerNo), String(r.accountNo)),
};

/** The bill id prefix of each bill type. */
export function billIdPrefix(type: BillType): string {
  return type === 'bill' ? 'bill' : type === 'collection' ? 'collection' : 'reminder';
}
