// What the PayEx ledger stores: one record type per collection (schemas `*Record` in specs/payex.yaml)
// and the keys records are stored under. Account figures are never stored: they are derived.

export type AccountStatus = 'Open' | 'PendingClose' | 'Closed';
export type BillType = 'bill' | 'reminder1' | 'reminder2' | 'collection';
export type BillStatus = 'open' | 'closed';
export type TransactionType =
  | 'payment'
  | 'purchase'
  | 'credit'
  | 'administrationFee'
  | 'billingFee'
  | 'collectionFee'
  | 'deduction'
  | 'disbursement'
  | 'disbursementReturned'
  | 'interest'
  | 'lateFee'
  | 'reminderFee'
  | 'migratedBalance';
export type PaymentScope = 'fixedRecurring' | 'totalDebt' | 'billedAmount';

/** Transaction types that lower the debt: their amounts are negative (`migratedBalance` may be either). */
export const DEBT_LOWERING_TYPES: ReadonlySet<TransactionType> = new Set(['payment', 'credit', 'deduction', 'disbursementReturned']);

export interface BankPayment {
  bankAccountNo: string;
  bankAccountType: 'BGSE' | 'PGSE' | 'BKNO';
  bic: string;
  iban: string;
  paymentReference: string;
}

export interface AccountRecord {
  ledgerNo: string;
  accountNo: string;
  startDate: string;
  description: string | null;
  accountProfileType: string;
  accountAlias: string;
  customerNo: string;
  status: AccountStatus;
  creditLimit: number;
  charityDonation: boolean;
  interestRate: { debtInterest: number; penaltyInterest: number };
  bankPayment: BankPayment;
  currency: string;
}

export interface BillPaymentDetails {
  bankAccountNo: string;
  bankAccountType: 'BKSE' | 'PKSE' | 'BGSE' | 'PGSE';
  bic: string;
  iban: string;
  paymentReference: string;
}

export interface BillRecord {
  ledgerNo: string;
  accountNo: string;
  /** `bill-<billNo>`, `reminder-<billNo>` (reminder1, reminder2) or `collection-<billNo>`. */
  billId: string;
  billNo: string;
  billType: BillType;
  billDate: string;
  dueDate: string;
  billAmount: number;
  status: BillStatus;
  externalBillId: string | null;
  minimumAmountToBePayed: number;
  /** How much of `minimumAmountToBePayed` has been paid; the bill closes when all of it is. */
  amountPaid: number;
  paymentDetails: BillPaymentDetails;
}

export interface CardHolder {
  number: string;
  name: string;
  nationalConsumerIdentifier: { value: string; countryCode: string };
}

export interface CardRecord {
  ledgerNo: string;
  accountNo: string;
  token: string;
  PanTrunc: string;
  deleted: boolean;
  mainCard: boolean;
  cardHolder: CardHolder;
}

export interface TransactionRecord {
  id: string;
  ledgerNo: string;
  accountNo: string;
  type: TransactionType;
  description: string;
  amount: number;
  initiatedFromPointOfSale: boolean;
  date: string;
  sourcePspPaymentTransactionId?: string;
}

export interface ReservationRecord {
  id: string;
  ledgerNo: string;
  accountNo: string;
  amount: number;
  description: string;
  date: string;
}

export interface RecurringConfigurationRecord {
  ledgerNo: string;
  accountNo: string;
  paymentMethod: 'autogiro';
  paymentScope: PaymentScope;
  fixedAmount: number | null;
}

export interface RecurringConsentRecord {
  ledgerNo: string;
  accountNo: string;
  paymentMethod: 'autogiro';
  status: 'active' | 'revoked';
  bankAccountNo: string;
  bankAccountType: 'BKSE' | 'PKSE';
}

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
