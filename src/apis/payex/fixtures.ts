// Deterministic PayEx ledger fixtures: two ledgers (501, as in the provider's examples, and 502)
// with accounts in every status whose history is simulated month by month up to
// FIXTURE_REFERENCE_DATE — purchases, interest and fees, monthly bills paid (or missed and
// reminded), reservations — so every figure, bill and payment order follows the ledger's rules.
// Each sandbox sees the dates moved to its creation day (`fixtureDates` in index.ts); as its clock
// moves on, Ledger.passDay carries the same story forward.
import type { Faker } from '@faker-js/faker';
import { FIXTURE_REFERENCE_DATE, seededFaker } from '../../core/fixtures.js';
import { addDays, isoDay } from './days.js';
import { fromCents } from './money.js';
import {
  accountKey,
  billIdPrefix,
  billKey,
  cardKey,
  type AccountRecord,
  type AccountStatus,
  type BankPayment,
  type BillPaymentDetails,
  type BillRecord,
  type CardHolder,
  type CardRecord,
  type PaymentScope,
  type RecurringConfigurationRecord,
  type RecurringConsentRecord,
  type ReservationRecord,
  type TransactionRecord,
  type TransactionType,
} from './records.js';

/** The provider's example account and cards, so its documentation's requests work as printed. */
export const EXAMPLE = {
  ledgerNo: '501',
  accountNo: '1234567',
  customerNo: '123789654',
  /** An Open account of the same ledger without a recurring payment configuration. */
  accountWithoutConfiguration: '2345678',
  mainCard: '954c8699-b38f-47a2-b568-668b8837dad8',
  extraCard: '274c8699-b38f-47a2-b568-668b8837dat7',
  openBill: 'bill-456',
  openReminder: 'reminder-123',
  otherLedgerNo: '502',
} as const;

/**
 * The documentation's own placeholders, as ids: its requests name ledger `XXX` and account `NNN`
 * ("Routes that occur in examples of this documentation will use the following identifiers"), and
 * list accounts with `?accountNo=123&customerNo=456`. Account `NNN` is Open with no cards yet, so the
 * page's "add card" (a main card with token 954c8699-…) succeeds as printed; `123` belongs to `456`.
 */
export const DOCUMENTATION = {
  ledgerNo: 'XXX',
  accountNo: 'NNN',
  customerNo: '123789654',
  listedAccountNo: '123',
  listedCustomerNo: '456',
  bill: 'bill-456',
} as const;

const TODAY = isoDay(FIXTURE_REFERENCE_DATE);
/** The day the ledger's accounts were migrated with their balances (a `migratedBalance` transaction). */
const MIGRATION_DAY = addDays(TODAY, -190);
const BILLING_FEE = 2900;
const REMINDER_FEE = 6000;
const MIN_PAYMENT = 15000;
const DAYS_TO_PAY = 20;

interface LedgerPlan {
  ledgerNo: string;
  payee: Omit<BankPayment, 'paymentReference'> & { bankAccountType: 'BGSE' | 'PGSE' };
  statuses: AccountStatus[];
  firstBillNo: number;
}

interface AccountPlan {
  /** The documentation's placeholder account (see DOCUMENTATION): no cards, a bill numbered 456. */
  documentation?: boolean;
  accountNo: string;
  customerNo: string;
  holder: CardHolder;
  status: AccountStatus;
  startDate: string;
  creditLimitCents: number;
  billDay: number;
  profile: { type: string; alias: string; description: string | null };
  /** The example account: its last two cycles are a missed bill (now a reminder) and an open bill. */
  example?: boolean;
}

type Fixtures = {
  accounts: Record<string, AccountRecord>;
  bills: Record<string, BillRecord>;
  cards: Record<string, CardRecord>;
  transactions: Record<string, TransactionRecord>;
  reservations: Record<string, ReservationRecord>;
  recurringPaymentConfigurations: Record<string, RecurringConfigurationRecord>;
  recurringPaymentConsents: Record<string, RecurringConsentRecord>;
};

const PROFILES = [
  { type: 'kontokredit', alias: 'kontokredit1', description: 'Kontokredit med kort' },
  { type: 'kontokredit', alias: 'matkonto1', description: 'Matkonto' },
  { type: 'kontofaktura', alias: 'kontofaktura1', description: null },
  { type: 'kontodebet', alias: 'kontodebet1', description: 'Konto med debetkort' },
];
const MERCHANTS = ['ICA Maxi', 'Coop Forum', 'Willys', 'Hemköp', 'Apoteket', 'Clas Ohlson', 'Biltema', 'Jula', 'IKEA', 'Elgiganten',
  'Åhléns', 'Stadium', 'Circle K', 'Preem', 'SJ', 'Espresso House', 'Pressbyrån', 'Rusta', 'Systembolaget', 'Lindex'];
const CREDIT_LIMITS = [500000, 1000000, 1500000, 2000000, 3000000, 5000000];
const DEBT_INTEREST = [9.95, 12.9, 14.95, 19.9];

/** Luhn (mod 10) check digit of a digit string, as Swedish OCR references and identity numbers use. */
export function luhnCheckDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    const product = Number(digits[digits.length - 1 - i]) * (i % 2 === 0 ? 2 : 1);
    sum += product > 9 ? product - 9 : product;
  }
  return (10 - (sum % 10)) % 10;
}

const ocr = (digits: string) => `${digits}${luhnCheckDigit(digits)}`;

function identityNumber(faker: Faker): string {
  const born = isoDay(faker.date.between({ from: '1945-01-01T00:00:00Z', to: '2002-12-31T00:00:00Z' })).replaceAll('-', '');
  const serial = faker.string.numeric(3);
  return `${born}-${serial}${luhnCheckDigit(`${born.slice(2)}${serial}`)}`;
}

const holderOf = (faker: Faker, number: string): CardHolder => ({
  number,
  name: faker.person.fullName(),
  nationalConsumerIdentifier: { value: identityNumber(faker), countryCode: 'SE' },
});

const panTrunc = (faker: Faker) => `${faker.helpers.arrayElement(['45871', '48923', '51234', '85479'])}*********${faker.string.numeric(3)}`;

/** The bill dates on `day` of the month over the last six months, after `from` and before today. */
function billDates(day: number, from: string): string[] {
  const reference = FIXTURE_REFERENCE_DATE;
  const dates: string[] = [];
  for (let back = 6; back >= 0; back--) {
    const date = isoDay(new Date(Date.UTC(reference.getUTCFullYear(), reference.getUTCMonth() - back, day)));
    if (date > from && date < TODAY) dates.push(date);
  }
  return dates;
}

export function generateFixtures(seed: number): Fixtures {
  const faker = seededFaker(seed, ['sv']);
  const fixtures: Fixtures = {
    accounts: {},
    bills: {},
    cards: {},
    transactions: {},
    reservations: {},
    recurringPaymentConfigurations: {},
    recurringPaymentConsents: {},
  };
  const ledgers: LedgerPlan[] = [
    {
      ledgerNo: EXAMPLE.ledgerNo,
      payee: { bankAccountNo: '5050-1055', bankAccountType: 'BGSE', bic: 'SWEDSESS', iban: faker.finance.iban({ formatted: false, countryCode: 'SE' }) },
      statuses: ['Open', 'Open', 'Open', 'Open', 'Open', 'Open', 'Open', 'Open', 'PendingClose', 'Closed', 'Closed', 'Open'],
      firstBillNo: 100001,
    },
    {
      ledgerNo: EXAMPLE.otherLedgerNo,
      payee: { bankAccountNo: '4758305-2', bankAccountType: 'PGSE', bic: 'NDEASESS', iban: faker.finance.iban({ formatted: false, countryCode: 'SE' }) },
      statuses: ['Open', 'Open', 'PendingClose', 'Open', 'Closed', 'Open'],
      firstBillNo: 200001,
    },
  ];

  // Last, so the faker draws of the ledgers above are unchanged: no faker call in its plan.
  ledgers.push({
    ledgerNo: DOCUMENTATION.ledgerNo,
    payee: { bankAccountNo: '123', bankAccountType: 'BGSE', bic: 'SWEDSESS', iban: 'SE4550000000058398257466' },
    statuses: ['Open', 'Open'],
    firstBillNo: 300001,
  });

  const usedAccountNos = new Set<string>([EXAMPLE.accountNo, EXAMPLE.accountWithoutConfiguration]);
  const newAccountNo = () => {
    let accountNo: string;
    do accountNo = faker.string.numeric({ length: 7, allowLeadingZeros: false });
    while (usedAccountNos.has(accountNo));
    usedAccountNos.add(accountNo);
    return accountNo;
  };

  for (const ledger of ledgers) {
    let billNo = ledger.firstBillNo;
    const nextBillNo = () => String(billNo++);
    let firstOwner: AccountPlan | undefined;
    ledger.statuses.forEach((status, index) => {
      if (ledger.ledgerNo === DOCUMENTATION.ledgerNo) {
        const documentation = index === 0;
        const customerNo = documentation ? DOCUMENTATION.customerNo : DOCUMENTATION.listedCustomerNo;
        addAccount(faker, fixtures, ledger, {
          documentation,
          accountNo: documentation ? DOCUMENTATION.accountNo : DOCUMENTATION.listedAccountNo,
          customerNo,
          holder: holderOf(faker, customerNo),
          status,
          startDate: '2018-05-21',
          creditLimitCents: 2000000,
          billDay: 25,
          // The page's example account has no description.
          profile: PROFILES[2],
          example: documentation,
        }, nextBillNo);
        return;
      }
      const example = ledger.ledgerNo === EXAMPLE.ledgerNo && index === 0;
      const customerNo =
        example ? EXAMPLE.customerNo
        // The first customer of each ledger also owns its first closed account: customerNo lists both.
        : status === 'Closed' && firstOwner && !ledger.statuses.slice(0, index).includes('Closed') ? firstOwner.customerNo
        : faker.string.numeric({ length: 9, allowLeadingZeros: false });
      const plan: AccountPlan = {
        accountNo: example ? EXAMPLE.accountNo : ledger.ledgerNo === EXAMPLE.ledgerNo && index === 1 ? EXAMPLE.accountWithoutConfiguration : newAccountNo(),
        customerNo,
        holder: example
          ? { number: customerNo, name: 'Test Testsson', nationalConsumerIdentifier: { value: '19101010-1010', countryCode: 'SE' } }
          : customerNo === firstOwner?.customerNo ? firstOwner.holder : holderOf(faker, customerNo),
        status,
        startDate: example ? '2018-05-21' : isoDay(faker.date.between({ from: '2015-01-01T00:00:00Z', to: addDays(TODAY, -75) })),
        creditLimitCents: example ? 2500000 : faker.helpers.arrayElement(CREDIT_LIMITS),
        billDay: example ? 25 : faker.helpers.arrayElement([5, 15, 25]),
        profile: example ? PROFILES[0] : faker.helpers.arrayElement(PROFILES),
        example,
      };
      if (index === 0) firstOwner = plan;
      addAccount(faker, fixtures, ledger, plan, nextBillNo);
    });
  }
  return fixtures;
}

/** Simulates one account's history and adds its records to the fixtures. */
function addAccount(faker: Faker, fixtures: Fixtures, ledger: LedgerPlan, plan: AccountPlan, nextBillNo: () => string): void {
  const { ledgerNo } = ledger;
  const { accountNo, status } = plan;
  const debtInterest = plan.example ? 10 : faker.helpers.arrayElement(DEBT_INTEREST);
  const closingDay = status === 'Closed' ? addDays(TODAY, -faker.number.int({ min: 40, max: 90 })) : undefined;
  const activeUntil = closingDay ?? TODAY;
  const transactions: TransactionRecord[] = [];
  const bills: BillRecord[] = [];
  let balance = 0;

  const add = (type: TransactionType, cents: number, date: string, description: string, pointOfSale = false) => {
    transactions.push({
      id: faker.string.uuid(),
      ledgerNo,
      accountNo,
      type,
      description,
      amount: fromCents(cents),
      initiatedFromPointOfSale: pointOfSale,
      date,
    });
    balance += cents;
  };
  const addBill = (billType: BillRecord['billType'], billDate: string, dueDate: string, billCents: number, minimumCents: number): BillRecord => {
    const bill: BillRecord = {
      ledgerNo,
      accountNo,
      billId: '',
      billNo: nextBillNo(),
      billType,
      billDate,
      dueDate,
      billAmount: fromCents(billCents),
      status: 'open',
      externalBillId: faker.datatype.boolean(0.3) ? faker.string.numeric(2) : null,
      minimumAmountToBePayed: fromCents(minimumCents),
      amountPaid: 0,
      paymentDetails: { ...ledger.payee, paymentReference: '' },
    };
    bills.push(bill);
    return bill;
  };
  const pay = (bill: BillRecord, date: string, cents: number) => {
    add('payment', -cents, date, '');
    bill.status = 'closed';
    bill.amountPaid = bill.minimumAmountToBePayed;
  };
  const purchases = (from: string, until: string, count: number) => {
    const days: string[] = [];
    for (let i = 0; i < count; i++) days.push(addDays(from, faker.number.int({ min: 0, max: Math.max(0, daysBetween(from, until) - 1) })));
    for (const day of days.sort()) {
      const cents = faker.number.int({ min: 4900, max: plan.example ? 180000 : 250000 });
      const merchant = `${faker.helpers.arrayElement(MERCHANTS)} ${faker.location.city()}`;
      if (plan.creditLimitCents - balance - cents < 0) continue;
      add('purchase', cents, day, `${merchant}, köpref. ${faker.string.numeric(8)}`, true);
      if (faker.datatype.boolean(0.06)) add('credit', -Math.round(cents / 2), addDays(day, 2) < until ? addDays(day, 2) : day, `Retur ${merchant}, köpref. ${faker.string.numeric(8)}`, true);
    }
  };

  const firstActive = plan.startDate > MIGRATION_DAY ? plan.startDate : MIGRATION_DAY;
  if (plan.startDate < MIGRATION_DAY) {
    const opening = plan.example ? 420000 : faker.number.int({ min: -50000, max: Math.round(plan.creditLimitCents * 0.4) });
    if (opening !== 0) add('migratedBalance', opening, MIGRATION_DAY, 'Migrerat saldo');
  }

  const dates = billDates(plan.billDay, firstActive).filter(d => d < activeUntil);
  let periodStart = firstActive;
  dates.forEach((billDate, index) => {
    purchases(periodStart, billDate, faker.number.int({ min: plan.example ? 3 : 1, max: 6 }));
    periodStart = billDate;
    if (balance <= 0) return;
    add('interest', Math.round((balance * debtInterest) / 1200), billDate, 'Ränta');
    add('billingFee', BILLING_FEE, billDate, 'Aviavgift');
    const dueDate = addDays(billDate, DAYS_TO_PAY);
    const minimum = Math.min(balance, Math.max(MIN_PAYMENT, Math.round(balance * 0.03)));
    const bill = addBill('bill', billDate, dueDate, balance, minimum);
    const last = index === dates.length - 1;
    const missed = plan.example ? index === dates.length - 2 : !last && faker.datatype.boolean(0.1);
    if (missed) {
      bill.status = 'closed'; // superseded by its reminder, which carries the amount on
      const reminderDate = addDays(dueDate, 8);
      if (reminderDate >= activeUntil) return;
      add('reminderFee', REMINDER_FEE, reminderDate, 'Påminnelseavgift');
      const reminder = addBill('reminder1', reminderDate, addDays(reminderDate, 14), minimum + REMINDER_FEE, minimum + REMINDER_FEE);
      const paidOn = addDays(reminderDate, faker.number.int({ min: 3, max: 14 }));
      if (!plan.example && paidOn < activeUntil) pay(reminder, paidOn, minimum + REMINDER_FEE);
      return;
    }
    const paidOn = addDays(billDate, faker.number.int({ min: 5, max: DAYS_TO_PAY }));
    if (paidOn >= activeUntil || (plan.example && last)) return;
    const choice = faker.number.float({ min: 0, max: 1 });
    pay(bill, paidOn, choice < 0.4 ? minimum : choice < 0.7 ? balance : faker.number.int({ min: minimum, max: balance }));
  });
  purchases(periodStart, activeUntil, closingDay ? 1 : faker.number.int({ min: plan.example ? 3 : 1, max: 5 }));

  let creditLimitCents = plan.creditLimitCents;
  if (closingDay) {
    if (balance > 0) add('payment', -balance, closingDay, 'Slutbetalning');
    else if (balance < 0) add('disbursement', -balance, closingDay, 'Utbetalning av tillgodohavande');
    for (const bill of bills) Object.assign(bill, { status: 'closed', amountPaid: bill.minimumAmountToBePayed });
    creditLimitCents = 0;
  }

  // The provider's example ids for the example account's open bill and reminder.
  if (plan.example) {
    bills.findLast(b => b.billType === 'bill')!.billNo = EXAMPLE.openBill.split('-')[1];
    bills.findLast(b => b.billType === 'reminder1')!.billNo = EXAMPLE.openReminder.split('-')[1];
  }
  for (const bill of bills) {
    if (plan.documentation) bill.externalBillId ??= String(Number(bill.billNo) % 100); // as in the page's examples
    bill.billId = `${billIdPrefix(bill.billType)}-${bill.billNo}`;
    bill.paymentDetails = { ...bill.paymentDetails, paymentReference: ocr(bill.billNo.padStart(6, '0')) } satisfies BillPaymentDetails;
    fixtures.bills[billKey(ledgerNo, accountNo, bill.billId)] = bill;
  }
  for (const transaction of transactions) fixtures.transactions[transaction.id] = transaction;

  fixtures.accounts[accountKey(ledgerNo, accountNo)] = {
    ledgerNo,
    accountNo,
    startDate: plan.startDate,
    description: plan.profile.description,
    accountProfileType: plan.profile.type,
    accountAlias: plan.profile.alias,
    customerNo: plan.customerNo,
    status,
    creditLimit: fromCents(creditLimitCents),
    charityDonation: plan.example ? true : faker.datatype.boolean(0.3),
    interestRate: { debtInterest, penaltyInterest: plan.example ? 15 : debtInterest + 2 },
    bankPayment: { ...ledger.payee, paymentReference: ocr(accountNo) },
    currency: 'sek',
  };

  if (!plan.documentation) addCards(faker, fixtures, ledgerNo, plan);
  if (status === 'Open') addReservations(faker, fixtures, ledgerNo, accountNo, Math.max(0, creditLimitCents - balance), plan.example ? 2 : faker.number.int({ min: 0, max: 3 }));
  if (status !== 'Closed') addRecurringPayments(faker, fixtures, ledgerNo, plan);
}

function addCards(faker: Faker, fixtures: Fixtures, ledgerNo: string, plan: AccountPlan): void {
  const { accountNo } = plan;
  const closed = plan.status === 'Closed';
  const card = (token: string, mainCard: boolean, holder: CardHolder, deleted: boolean, pan = panTrunc(faker)) => {
    fixtures.cards[cardKey(ledgerNo, token)] = { ledgerNo, accountNo, token, PanTrunc: pan, deleted, mainCard, cardHolder: holder };
  };
  if (plan.example) {
    card(faker.string.uuid(), true, plan.holder, true, '85479*********113');
    card(EXAMPLE.mainCard, true, plan.holder, false, '85479*********648');
    card(EXAMPLE.extraCard, false, { ...holderOf(faker, '987654'), name: 'Tilda Testsson' }, false, '78979*********321');
    return;
  }
  if (faker.datatype.boolean(0.3)) card(faker.string.uuid(), true, plan.holder, true); // an earlier main card, replaced
  card(faker.string.uuid(), true, plan.holder, closed);
  if (faker.datatype.boolean(0.5)) card(faker.string.uuid(), false, holderOf(faker, faker.string.numeric({ length: 9, allowLeadingZeros: false })), closed);
}

function addReservations(faker: Faker, fixtures: Fixtures, ledgerNo: string, accountNo: string, availableCents: number, count: number): void {
  let left = availableCents;
  for (let i = 0; i < count; i++) {
    const cents = faker.number.int({ min: 2900, max: 80000 });
    if (cents > left) break;
    left -= cents;
    const id = faker.string.uuid();
    fixtures.reservations[id] = {
      id,
      ledgerNo,
      accountNo,
      amount: fromCents(cents),
      description: `${faker.helpers.arrayElement(MERCHANTS)} ${faker.location.city()}`,
      date: addDays(TODAY, -faker.number.int({ min: 1, max: 4 })),
    };
  }
}

function addRecurringPayments(faker: Faker, fixtures: Fixtures, ledgerNo: string, plan: AccountPlan): void {
  const key = accountKey(ledgerNo, plan.accountNo);
  const consent = (status: RecurringConsentRecord['status']) => {
    fixtures.recurringPaymentConsents[key] = {
      ledgerNo,
      accountNo: plan.accountNo,
      paymentMethod: 'autogiro',
      status,
      bankAccountNo: `${faker.helpers.arrayElement(['8327-9', '6000', '5000', '3300'])}${faker.string.numeric(9)}`.slice(0, 15),
      bankAccountType: 'BKSE',
    };
  };
  const configuration = (paymentScope: PaymentScope, fixedAmount: number | null) => {
    fixtures.recurringPaymentConfigurations[key] = { ledgerNo, accountNo: plan.accountNo, paymentMethod: 'autogiro', paymentScope, fixedAmount };
  };
  if (plan.example) {
    configuration('fixedRecurring', 1500);
    consent('active');
    return;
  }
  if (plan.accountNo === EXAMPLE.accountWithoutConfiguration) return consent('active');
  const roll = faker.number.float({ min: 0, max: 1 });
  if (roll < 0.45) {
    const scope = faker.helpers.arrayElement<PaymentScope>(['fixedRecurring', 'totalDebt', 'billedAmount']);
    configuration(scope, scope === 'fixedRecurring' ? faker.number.int({ min: 5, max: 30 }) * 100 : null);
    consent('active');
  } else if (roll < 0.65) {
    consent('revoked');
  }
}

const daysBetween = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);
