// The PayEx ledger living through time: one test per rule of Ledger.passDay (captures, autogiro,
// reminders, month end, closures), and a property test driving random sequences of days passing
// and API calls that checks every figure stays consistent.
import fc from 'fast-check';
import { payex } from '../src/apis/payex/index.js';
import { EXAMPLE } from '../src/apis/payex/fixtures.js';
import { addDays } from '../src/apis/payex/days.js';
import { toCents } from '../src/apis/payex/money.js';
import type { AccountRecord, BillRecord, ReservationRecord, TransactionRecord } from '../src/apis/payex/records.js';
import {
  BILLING_FEES,
  CAPTURE_AFTER_DAYS,
  COLLECTION_FEE,
  DAYS_TO_PAY,
  Ledger,
  REMINDER_AFTER_DAYS,
  REMINDER_DAYS_TO_PAY,
  REMINDER_FEE,
} from '../src/apis/payex/state.js';
import { loadFixtures } from '../src/core/fixtures.js';
import { Store, type ApiData } from '../src/core/store.js';

const START = '2026-11-21';
const L: string = EXAMPLE.ledgerNo;
const A: string = EXAMPLE.accountNo;
const NO_CONFIG: string = EXAMPLE.accountWithoutConfiguration;

let data: ApiData;
let day: string;
let ledger: Ledger;
beforeEach(async () => {
  const store = await Store.open({ inMemory: true, defaultSeed: 1, loadFixtures: seed => loadFixtures([payex], seed, new Date(`${START}T10:00:00Z`)) });
  data = store.sandbox().api('payex');
  day = START;
  ledger = new Ledger(data, () => new Date(`${day}T00:00:00Z`));
});

/** Lets days pass up to and including `until`, collecting what happened. */
function passUntil(until: string) {
  const entries = [];
  while (day < until) {
    day = addDays(day, 1);
    entries.push(...ledger.passDay(day));
  }
  return entries;
}

const bills = (accountNo: string) => data.collection<BillRecord>('bills').values().filter(b => b.accountNo === accountNo && b.ledgerNo === L);
const openBills = (accountNo: string) => bills(accountNo).filter(b => b.status === 'open');
const transactions = (accountNo: string) => data.collection<TransactionRecord>('transactions').values().filter(t => t.accountNo === accountNo && t.ledgerNo === L);
const cents = (amount: number) => toCents(amount);
const account = (accountNo: string) => ledger.getAccount(L, accountNo);

test('reservations are captured into purchases after a few days; reservedAmount and totalBalance follow, availableAmount does not move', () => {
  const reservations = data.collection<ReservationRecord>('reservations').values().filter(r => r.accountNo === A);
  expect(reservations.length).toBeGreaterThan(0);
  const before = account(A);
  const oldest = reservations.map(r => r.date).sort()[0];
  const entries = ledger.captureReservations(addDays(oldest, CAPTURE_AFTER_DAYS));
  const captured = reservations.filter(r => r.date === oldest);
  expect(entries.filter(e => e.kind === 'capture' && e.summary.includes(`account ${A}`))).toHaveLength(captured.length);
  const after = account(A);
  const amount = captured.reduce((sum, r) => sum + cents(r.amount), 0);
  expect(cents(after.reservedAmount)).toBe(cents(before.reservedAmount) - amount);
  expect(cents(after.totalBalance)).toBe(cents(before.totalBalance) + amount);
  expect(after.availableAmount).toBe(before.availableAmount);
  expect(transactions(A).filter(t => t.type === 'purchase' && t.date === addDays(oldest, CAPTURE_AFTER_DAYS))).toHaveLength(captured.length);
  // Not before their time.
  expect(ledger.captureReservations(addDays(oldest, CAPTURE_AFTER_DAYS))).toEqual([]);
});

test('a reservation on a closed account expires instead', () => {
  const closed = data.collection<AccountRecord>('accounts').values().find(a => a.status === 'Closed' && a.ledgerNo === L)!;
  void data.collection<ReservationRecord>('reservations').put('r-closed', { id: 'r-closed', ledgerNo: L, accountNo: closed.accountNo, amount: 10, description: 'x', date: START });
  const entries = ledger.captureReservations(addDays(START, CAPTURE_AFTER_DAYS));
  expect(entries).toContainEqual(expect.objectContaining({ kind: 'expiry' }));
  expect(data.collection('reservations').get('r-closed')).toBeUndefined();
  expect(account(closed.accountNo).totalBalance).toBe(0);
});

test('autogiro draws the fixed amount on the due date, paying the bill; its payment order disappears', () => {
  // fixedRecurring: one order, for the first open document due.
  const bill = openBills(A).sort((a, b) => a.dueDate.localeCompare(b.dueDate))[0];
  const orders = ledger.listActivePaymentOrders(L, A, { top: 20, skip: 0 }).items;
  expect(orders).toEqual([{ paymentMethod: 'autogiro', executeDate: bill.dueDate, amount: 1500 }]);
  const before = account(A);
  day = bill.dueDate;
  const entries = ledger.drawAutogiroPayments(bill.dueDate);
  expect(entries.filter(e => e.summary.endsWith(`account ${A}`))).toEqual([expect.objectContaining({ kind: 'payment', summary: expect.stringContaining('1500.00 SEK') })]);
  expect(transactions(A).filter(t => t.description === 'Autogiro')).toEqual([expect.objectContaining({ type: 'payment', amount: -1500, date: bill.dueDate })]);
  expect(cents(account(A).totalBalance)).toBe(cents(before.totalBalance) - 150000);
  // 1,500.00 pays the oldest open documents first, then this bill.
  expect(ledger.listActivePaymentOrders(L, A, { top: 20, skip: 0 }).items.filter(o => o.executeDate === bill.dueDate)).toEqual([]);
});

test('autogiro with billedAmount pays the minimum and closes the bill', () => {
  ledger.createRecurringConfiguration(L, NO_CONFIG, { paymentMethod: 'autogiro', paymentScope: 'billedAmount' });
  const monthEnd = '2026-11-30';
  passUntil(monthEnd);
  const bill = openBills(NO_CONFIG).find(b => b.billDate === monthEnd);
  if (!bill) return expect(account(NO_CONFIG).totalBalance).toBeLessThanOrEqual(0);
  passUntil(bill.dueDate);
  expect(data.collection<BillRecord>('bills').values().find(b => b.billId === bill.billId && b.accountNo === NO_CONFIG)!.status).toBe('closed');
  expect(transactions(NO_CONFIG).find(t => t.description === 'Autogiro')).toMatchObject({ amount: -bill.minimumAmountToBePayed, date: bill.dueDate });
});

test('an unpaid bill becomes Reminder1 with a ReminderFee, then Reminder2, then Collection with a CollectionFee', () => {
  // The account without autogiro: its month-end bill goes unpaid.
  const monthEnd = '2026-11-30';
  passUntil(monthEnd);
  const bill = openBills(NO_CONFIG).find(b => b.billDate === monthEnd)!;
  expect(bill).toBeDefined();
  const owed = cents(bill.minimumAmountToBePayed);

  const remindOn = addDays(bill.dueDate, REMINDER_AFTER_DAYS);
  const first = passUntil(remindOn).filter(e => e.kind === 'reminder' && e.summary.includes(`bill ${bill.billNo}`));
  expect(first).toHaveLength(1);
  const reminder1 = openBills(NO_CONFIG).find(b => b.billType === 'reminder1')!;
  expect(reminder1).toMatchObject({ billDate: remindOn, dueDate: addDays(remindOn, REMINDER_DAYS_TO_PAY), billId: `reminder-${reminder1.billNo}` });
  expect(cents(reminder1.minimumAmountToBePayed)).toBe(owed + REMINDER_FEE);
  expect(bills(NO_CONFIG).find(b => b.billId === bill.billId)!.status).toBe('closed');
  expect(transactions(NO_CONFIG).filter(t => t.type === 'reminderFee' && t.date === remindOn)).toHaveLength(1);

  const second = addDays(reminder1.dueDate, REMINDER_AFTER_DAYS);
  passUntil(second);
  const reminder2 = openBills(NO_CONFIG).find(b => b.billType === 'reminder2')!;
  expect(cents(reminder2.minimumAmountToBePayed)).toBe(owed + 2 * REMINDER_FEE);

  passUntil(addDays(reminder2.dueDate, REMINDER_AFTER_DAYS));
  const collection = bills(NO_CONFIG).find(b => b.billType === 'collection')!;
  expect(collection.billId).toBe(`collection-${collection.billNo}`);
  expect(cents(collection.minimumAmountToBePayed)).toBe(owed + 2 * REMINDER_FEE + COLLECTION_FEE);
  expect(transactions(NO_CONFIG).filter(t => t.type === 'collectionFee')).toHaveLength(1);
});

test('month end: interest on the balance, penalty interest on what is overdue, the profile\'s billing fee, and a bill', () => {
  const before = account(A);
  const overdue = openBills(A).filter(b => b.dueDate < '2026-11-30');
  day = '2026-11-30';
  const entries = ledger.closeMonth('2026-11-30');
  const charged = transactions(A).filter(t => t.date === '2026-11-30');
  const interest = charged.filter(t => t.type === 'interest');
  expect(interest.find(t => t.description === 'Ränta')!.amount).toBe(Math.round((cents(before.totalBalance) * before.interestRate.debtInterest) / 1200) / 100);
  if (overdue.length) expect(interest.find(t => t.description === 'Dröjsmålsränta')).toBeDefined();
  expect(charged.find(t => t.type === 'billingFee')!.amount).toBe(BILLING_FEES.kontokredit / 100);
  const bill = bills(A).find(b => b.billDate === '2026-11-30')!;
  expect(bill).toMatchObject({ billType: 'bill', dueDate: addDays('2026-11-30', DAYS_TO_PAY), billAmount: account(A).totalBalance });
  expect(entries.map(e => e.kind)).toEqual(expect.arrayContaining(['interest', 'bill']));

  // A profile without a billing fee (kontodebet) is billed without one.
  const debit = data.collection<AccountRecord>('accounts').values().find(a => a.accountProfileType === 'kontodebet' && a.status === 'Open' && ledger.figures(a).totalBalance > 0);
  if (debit) expect(transactions(debit.accountNo).filter(t => t.type === 'billingFee' && t.date === '2026-11-30')).toEqual([]);
});

test('a PendingClose account closes once it owes nothing; a surplus is paid out', () => {
  ledger.requestCloseAccount(L, NO_CONFIG);
  const { totalBalance } = account(NO_CONFIG);
  expect(ledger.closePendingAccounts(START)).toEqual(totalBalance === 0 && !openBills(NO_CONFIG).length && !account(NO_CONFIG).reservedAmount ? [expect.anything()] : []);
  // Pay everything off (as the ledger would take it), then it closes.
  for (const r of data.collection<ReservationRecord>('reservations').values().filter(r => r.accountNo === NO_CONFIG)) data.collection('reservations').remove(r.id);
  void data.collection<TransactionRecord>('transactions').put('payoff', { id: 'payoff', ledgerNo: L, accountNo: NO_CONFIG, type: 'payment', description: '', amount: -(totalBalance + 25), initiatedFromPointOfSale: false, date: START });
  for (const b of openBills(NO_CONFIG)) void data.collection<BillRecord>('bills').put(`${L}/${NO_CONFIG}/${b.billId}`, { ...b, status: 'closed', amountPaid: b.minimumAmountToBePayed });
  const entries = ledger.closePendingAccounts(START);
  expect(entries).toEqual([expect.objectContaining({ kind: 'closure' })]);
  expect(account(NO_CONFIG)).toMatchObject({ status: 'Closed', totalBalance: 0, creditLimit: 0 });
  expect(transactions(NO_CONFIG).find(t => t.type === 'disbursement')!.amount).toBe(25);
});

describe('invariants hold after any sequence of days passing and API calls', () => {
  type Action =
    | { kind: 'days'; days: number }
    | { kind: 'pay'; share: number }
    | { kind: 'close' }
    | { kind: 'configure'; scope: 'billedAmount' | 'fixedRecurring' | 'totalDebt'; fixed: number }
    | { kind: 'revoke' }
    | { kind: 'lower'; share: number };
  const action: fc.Arbitrary<Action> = fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('days' as const), days: fc.integer({ min: 1, max: 45 }) }) },
    fc.record({ kind: fc.constant('pay' as const), share: fc.double({ min: 0.01, max: 1.2, noNaN: true }) }),
    fc.record({ kind: fc.constant('close' as const) }),
    fc.record({ kind: fc.constant('configure' as const), scope: fc.constantFrom('billedAmount' as const, 'fixedRecurring' as const, 'totalDebt' as const), fixed: fc.integer({ min: 1, max: 3000 }) }),
    fc.record({ kind: fc.constant('revoke' as const) }),
    fc.record({ kind: fc.constant('lower' as const), share: fc.double({ min: 0, max: 1, noNaN: true }) }),
  );

  function apply(accountNo: string, a: Action, n: number): void {
    const attempt = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        if (!(error && typeof error === 'object' && 'status' in error)) throw error; // business refusals are fine
      }
    };
    if (a.kind === 'days') passUntil(addDays(day, a.days));
    else if (a.kind === 'pay') {
      const max = account(accountNo).maxPaymentAmount;
      const amount = Math.max(0.01, Math.round(Math.min(max, account(accountNo).totalBalance * a.share) * 100) / 100);
      attempt(() => ledger.registerPspPayment(L, accountNo, { Amount: amount, PaymentDate: day, sourcePspPaymentTransactionId: `p${n}` }));
    } else if (a.kind === 'close') attempt(() => ledger.requestCloseAccount(L, accountNo));
    else if (a.kind === 'configure') {
      attempt(() => ledger.deleteRecurringConfiguration(L, accountNo));
      attempt(() => ledger.createRecurringConfiguration(L, accountNo, { paymentMethod: 'autogiro', paymentScope: a.scope, fixedAmount: a.scope === 'fixedRecurring' ? a.fixed : null }));
    } else if (a.kind === 'revoke') attempt(() => ledger.updateRecurringConsent(L, accountNo, { status: 'revoked' }));
    else attempt(() => ledger.updateAccount(L, accountNo, { creditLimit: Math.floor(account(accountNo).creditLimit * a.share) }));
  }

  function checkInvariants(accountNo: string): void {
    const shown = account(accountNo);
    const all = ledger.listTransactions(L, accountNo, { fromDate: '2000-01-01', todate: '2100-01-01' }).items;
    const balance = all.reduce((sum, t) => sum + cents(t.amount), 0);
    expect(cents(shown.totalBalance)).toBe(balance);
    const reserved = ledger.listReservations(L, accountNo).items.reduce((sum, r) => sum + cents(r.amount), 0);
    expect(cents(shown.reservedAmount)).toBe(reserved);
    expect(cents(shown.availableAmount)).toBe(Math.max(0, cents(shown.creditLimit) - balance - reserved));
    expect(cents(shown.maxPaymentAmount)).toBe(shown.status === 'Open' ? Math.max(0, balance + 5_000_000) : 0);
    const list = ledger.listBills(L, accountNo).items;
    const open = list.filter(b => b.status === 'open');
    expect(list.every(b => (b.status === 'open') === (b.activePaymentDetails !== null))).toBe(true);
    expect(shown.openBill).toBe(open[0]?.['@id'] ?? null);
    const asked = open.reduce((sum, b) => sum + cents(b.activePaymentDetails!.minimumAmountToBePayed), 0);
    expect(open.every(b => cents(b.activePaymentDetails!.minimumAmountToBePayed) > 0)).toBe(true);
    expect(asked).toBeLessThanOrEqual(Math.max(0, balance));
    const numbers = data.collection<BillRecord>('bills').values().filter(b => b.ledgerNo === L).map(b => b.billNo);
    expect(new Set(numbers).size).toBe(numbers.length);
    if (shown.status === 'Closed') expect({ balance, open: open.length, reserved }).toEqual({ balance: 0, open: 0, reserved: 0 });
    const orders = ledger.listActivePaymentOrders(L, accountNo, { top: 100, skip: 0 }).items;
    expect(orders.every(o => o.executeDate >= day && o.amount > 0)).toBe(true);
    expect(list.filter(b => b.activePaymentDetails?.paymentOrdersExists).every(b => orders.some(o => o.executeDate === b.dueDate))).toBe(true);
  }

  test('for the example account and the one without autogiro', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(A, NO_CONFIG), fc.array(action, { minLength: 1, maxLength: 12 }), async (accountNo, actions) => {
        const store = await Store.open({ inMemory: true, defaultSeed: 1, loadFixtures: () => fixtures });
        data = store.sandbox().api('payex');
        day = START;
        ledger = new Ledger(data, () => new Date(`${day}T00:00:00Z`));
        checkInvariants(accountNo);
        actions.forEach((a, n) => {
          apply(accountNo, a, n);
          checkInvariants(accountNo);
        });
      }),
      { seed: 16, numRuns: 40 },
    );
  }, 120_000);
});

let fixtures: Awaited<ReturnType<typeof loadFixtures>>;
beforeAll(async () => {
  fixtures = await loadFixtures([payex], 1, new Date(`${START}T10:00:00Z`));
});

describe('MasStack: pending charges follow the clock', () => {
  test('on its invoice cycle day an account\'s pending charges are invoiced, and it can be deleted', async () => {
    const { masstack } = await import('../src/apis/masstack/index.js');
    const { EXAMPLE: M } = await import('../src/apis/masstack/fixtures.js');
    const { Accounts } = await import('../src/apis/masstack/state.js');
    const store = await Store.open({ inMemory: true, defaultSeed: 1, loadFixtures: seed => loadFixtures([masstack], seed) });
    const masData = store.sandbox().api('masstack');
    let now = new Date('2027-01-10T00:00:00Z');
    const accounts = new Accounts(masData, M.org, () => now);
    const charged = [M.directDebitAccount, M.bankTransferAccount, M.creditCardAccount, M.teciAccount, M.prepaidCardAccount].map(id => accounts.get(id)).find(a => a.pending_charges.count > 0)!;
    expect(charged).toBeDefined();
    const cycleDay = charged.invoice.cycle.day;
    const otherDay = `2027-01-${String(cycleDay === 27 ? 26 : 27).padStart(2, '0')}`;
    expect(accounts.invoiceCycleDay(otherDay).filter(e => e.path?.endsWith(charged.id))).toEqual([]);
    const day = `2027-02-${String(cycleDay).padStart(2, '0')}`;
    now = new Date(`${day}T00:00:00Z`);
    const entries = accounts.invoiceCycleDay(day);
    expect(entries).toContainEqual(expect.objectContaining({ kind: 'invoice', path: `/orgs/${M.org}/accounts/${charged.id}` }));
    expect(accounts.get(charged.id)).toMatchObject({ pending_charges: { count: 0, amount: '0.00' }, updated_at: now.toISOString() });
  });
});
