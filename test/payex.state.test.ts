import { payex } from '../src/apis/payex/index.js';
import { EXAMPLE } from '../src/apis/payex/fixtures.js';
import { addDays } from '../src/apis/payex/days.js';
import type { AccountRecord, CardRecord, TransactionRecord } from '../src/apis/payex/records.js';
import { ACCOUNT_PAGE_SIZE, Ledger, MAX_SURPLUS, swedishIdentityNumberValid, type AccountPatch, type CardInput, type CardPatch, type ConsentPatch } from '../src/apis/payex/state.js';
import type { AdminWrite } from '../src/core/api-module.js';
import { loadFixtures } from '../src/core/fixtures.js';
import { Store, type ApiData } from '../src/core/store.js';
import { problemOf } from './helpers.js';

const NOW = new Date('2026-11-21T10:00:00.000Z');
const TODAY = '2026-11-21';
const L: string = EXAMPLE.ledgerNo;
const A: string = EXAMPLE.accountNo;
const customerNo: string = EXAMPLE.customerNo;
const OPEN_NO_CONFIG: string = EXAMPLE.accountWithoutConfiguration;

let data: ApiData;
let ledger: Ledger;
beforeEach(async () => {
  const store = await Store.open({ inMemory: true, defaultSeed: 1, loadFixtures: seed => loadFixtures([payex], seed, NOW) });
  data = store.sandbox().api('payex');
  ledger = new Ledger(data, () => NOW);
});

/** The code and the fields a problem names, e.g. `['validation', ['creditLimit']]`. */
const codeOf = (fn: () => unknown) => {
  const p = problemOf(fn);
  return [p.status, p.kind, p.fields.map(f => f.field)];
};

const accounts = () => data.collection<AccountRecord>('accounts').values();
const accountsIn = (status: AccountRecord['status'], ledgerNo: string = L) => accounts().filter(a => a.status === status && a.ledgerNo === ledgerNo);
const cardsOf = (accountNo: string) => data.collection<CardRecord>('cards').values().filter(c => c.accountNo === accountNo);
const card = (over: Partial<CardInput> = {}): CardInput => ({
  token: 'c0ffee00-0000-4000-8000-000000000001',
  PanTrunc: '45871*********204',
  mainCard: false,
  cardHolder: { number: '987654', name: 'Tilda Testsson', nationalConsumerIdentifier: { value: '19850312-2387', countryCode: 'SE' } },
  ...over,
});
const payment = (Amount: number, id = 'psp-1', PaymentDate = TODAY) => ({ Amount, PaymentDate, sourcePspPaymentTransactionId: id });

describe('account figures', () => {
  test('totalBalance is the sum of the transactions, reservedAmount of the reservations, for every fixture account', () => {
    const transactions = data.collection<TransactionRecord>('transactions').values();
    for (const record of accounts()) {
      const account = ledger.getAccount(record.ledgerNo, record.accountNo);
      const balance = transactions.filter(t => t.ledgerNo === record.ledgerNo && t.accountNo === record.accountNo).reduce((s, t) => s + Math.round(t.amount * 100), 0);
      const reserved = ledger.listReservations(record.ledgerNo, record.accountNo).items.reduce((s, r) => s + Math.round(r.amount * 100), 0);
      const available = Math.max(0, Math.round(record.creditLimit * 100) - balance - reserved);
      expect({ account: record.accountNo, figures: [account.totalBalance, account.reservedAmount, account.availableAmount] }).toEqual({
        account: record.accountNo,
        figures: [balance / 100, reserved / 100, available / 100],
      });
      expect(account.maxPaymentAmount).toBe(record.status === 'Open' ? Math.max(0, balance / 100 + MAX_SURPLUS) : 0);
    }
  });

  test('availableAmount is never negative, even with a credit limit below what is used', () => {
    ledger.updateAccount(L, A, { creditLimit: 0 });
    const account = ledger.getAccount(L, A);
    expect(account.totalBalance).toBeGreaterThan(0);
    expect(account.availableAmount).toBe(0);
  });

  test('a PSP payment moves every figure by its amount', () => {
    const before = ledger.getAccount(L, A);
    ledger.registerPspPayment(L, A, payment(1000.5));
    const after = ledger.getAccount(L, A);
    expect(after.totalBalance).toBeCloseTo(before.totalBalance - 1000.5, 2);
    expect(after.availableAmount).toBeCloseTo(before.availableAmount + 1000.5, 2);
    expect(after.maxPaymentAmount).toBeCloseTo(before.maxPaymentAmount - 1000.5, 2);
    expect(after.reservedAmount).toBe(before.reservedAmount);
  });
});

describe('listing accounts', () => {
  test('pages by ACCOUNT_PAGE_SIZE in account number order, with navigation links', () => {
    const first = ledger.listAccounts(L, { skip: 0 });
    const all = accounts().filter(a => a.ledgerNo === L).map(a => a.accountNo).sort();
    expect(all.length).toBeGreaterThan(ACCOUNT_PAGE_SIZE);
    expect(first.items.map(a => a.accountNo)).toEqual(all.slice(0, ACCOUNT_PAGE_SIZE));
    expect(first.navigation).toEqual({
      '@id': '/ledger/account/v1/501/accounts?skip=0',
      first: '/ledger/account/v1/501/accounts?skip=0',
      previous: '/ledger/account/v1/501/accounts?skip=0',
      next: `/ledger/account/v1/501/accounts?skip=${ACCOUNT_PAGE_SIZE}`,
    });
    const second = ledger.listAccounts(L, { skip: ACCOUNT_PAGE_SIZE });
    expect(second.items.map(a => a.accountNo)).toEqual(all.slice(ACCOUNT_PAGE_SIZE));
    expect(second.navigation.next).toBeUndefined();
    expect(second.navigation.previous).toBe('/ledger/account/v1/501/accounts?skip=0');
  });

  test('filters by customer (every account of theirs) and by account number; links keep the filters', () => {
    const own = ledger.listAccounts(L, { customerNo, skip: 0 });
    expect(own.items.map(a => a.accountNo).sort()).toEqual(accounts().filter(a => a.customerNo === customerNo && a.ledgerNo === L).map(a => a.accountNo).sort());
    expect(own.items.length).toBe(2);
    expect(own.navigation.first).toBe(`/ledger/account/v1/501/accounts?customerNo=${customerNo}&skip=0`);
    expect(ledger.listAccounts(L, { accountNo: A, skip: 0 }).items.map(a => a.accountNo)).toEqual([A]);
    expect(ledger.listAccounts(L, { accountNo: A, customerNo, skip: 0 }).items.map(a => a.accountNo)).toEqual([A]);
  });

  test('an unknown account number alone is an empty list; a ledger without accounts is not-found', () => {
    expect(ledger.listAccounts(L, { accountNo: '0000000', skip: 0 }).items).toEqual([]);
    expect(codeOf(() => ledger.listAccounts('999', { skip: 0 }))).toEqual([404, 'not-found', []]);
  });

  test('a customer without accounts, or an account of another customer, is customer-not-found', () => {
    expect(codeOf(() => ledger.listAccounts(L, { customerNo: '000000000', skip: 0 }))).toEqual([404, 'customer-not-found', []]);
    expect(codeOf(() => ledger.listAccounts(L, { customerNo, accountNo: OPEN_NO_CONFIG, skip: 0 }))).toEqual([404, 'customer-not-found', []]);
    expect(codeOf(() => ledger.listAccounts(L, { customerNo, accountNo: '0000000', skip: 0 }))).toEqual([404, 'customer-not-found', []]);
  });

  test('an unknown account, or one on another ledger, is account-not-found', () => {
    expect(codeOf(() => ledger.getAccount(L, '0000000'))).toEqual([404, 'account-not-found', []]);
    expect(codeOf(() => ledger.getAccount(EXAMPLE.otherLedgerNo, A))).toEqual([404, 'account-not-found', []]);
  });

  test('operation links follow the status', () => {
    const rels = (accountNo: string) => ledger.getAccount(L, accountNo).operation.map(o => o.rel);
    expect(rels(A)).toEqual(['add-card-info', 'request-close-account', 'apply-for-raised-credit-limit', 'partial-update']);
    expect(rels(accountsIn('PendingClose')[0].accountNo)).toEqual(['partial-update']);
    expect(rels(accountsIn('Closed')[0].accountNo)).toEqual([]);
  });
});

describe('changing an account', () => {
  test('charityDonation can be turned off and on', () => {
    ledger.updateAccount(L, A, { charityDonation: false });
    expect(ledger.getAccount(L, A).charityDonation).toBe(false);
    ledger.updateAccount(L, A, { charityDonation: true });
    expect(ledger.getAccount(L, A).charityDonation).toBe(true);
  });

  test('creditLimit may be lowered (or kept), to 0 at least', () => {
    ledger.updateAccount(L, A, { creditLimit: 20000 });
    expect(ledger.getAccount(L, A).creditLimit).toBe(20000);
    ledger.updateAccount(L, A, { creditLimit: 20000 });
    ledger.updateAccount(L, A, { creditLimit: 0 });
    expect(ledger.getAccount(L, A).creditLimit).toBe(0);
  });

  test.each([
    ['raising creditLimit', { creditLimit: 25000.01 }, ['creditLimit']],
    ['a negative creditLimit', { creditLimit: -1 }, ['creditLimit']],
    ['a creditLimit with 3 decimals', { creditLimit: 100.001 }, ['creditLimit']],
    ['another property', { status: 'Closed', creditLimit: 100 }, ['status']],
    ['nothing to change', {}, ['body']],
    ['a charityDonation that is not a boolean', { charityDonation: 'no' }, ['charityDonation']],
  ])('%s is a validation problem naming the field', (_, patch, fields) => {
    expect(codeOf(() => ledger.updateAccount(L, A, patch as AccountPatch))).toEqual([400, 'validation', fields]);
    expect(ledger.getAccount(L, A).creditLimit).toBe(25000);
  });

  test('a Closed account cannot be changed', () => {
    expect(codeOf(() => ledger.updateAccount(L, accountsIn('Closed')[0].accountNo, { charityDonation: true }))).toEqual([403, 'forbidden', []]);
  });
});

describe('closing an account', () => {
  test('Open becomes PendingClose; asking again changes nothing; a Closed account refuses', () => {
    ledger.requestCloseAccount(L, A);
    expect(ledger.getAccount(L, A).status).toBe('PendingClose');
    ledger.requestCloseAccount(L, A);
    expect(ledger.getAccount(L, A).status).toBe('PendingClose');
    expect(codeOf(() => ledger.requestCloseAccount(L, accountsIn('Closed')[0].accountNo))).toEqual([403, 'forbidden', []]);
  });

  test('a closing account refuses new cards, replacement cards and payments, and shows maxPaymentAmount 0', () => {
    ledger.requestCloseAccount(L, A);
    expect(codeOf(() => ledger.addCard(L, A, card()))).toEqual([403, 'forbidden', []]);
    expect(codeOf(() => ledger.replaceCard(L, A, EXAMPLE.mainCard, card({ mainCard: true })))).toEqual([403, 'forbidden', []]);
    expect(codeOf(() => ledger.registerPspPayment(L, A, payment(100)))).toEqual([403, 'forbidden', []]);
    expect(ledger.getAccount(L, A).maxPaymentAmount).toBe(0);
  });

  test('a Closed account refuses them too', () => {
    const closed = accountsIn('Closed')[0].accountNo;
    expect(codeOf(() => ledger.addCard(L, closed, card()))).toEqual([403, 'forbidden', []]);
    expect(codeOf(() => ledger.registerPspPayment(L, closed, payment(100)))).toEqual([403, 'forbidden', []]);
  });
});

describe('PSP payments', () => {
  test('add a payment transaction of -Amount dated PaymentDate', () => {
    ledger.registerPspPayment(L, A, payment(250, 'psp-42', addDays(TODAY, -3)));
    const listed = ledger.listTransactions(L, A, {}).items;
    expect(listed).toContainEqual({ type: 'payment', description: 'PSP payment psp-42', amount: -250, initiatedFromPointOfSale: false, date: addDays(TODAY, -3) });
  });

  test('the same sourcePspPaymentTransactionId twice pays once', () => {
    const before = ledger.getAccount(L, A).totalBalance;
    expect(ledger.registerPspPayment(L, A, payment(300, 'twice'))).toEqual({ registered: true });
    expect(ledger.registerPspPayment(L, A, payment(300, 'twice'))).toEqual({ registered: false });
    expect(ledger.getAccount(L, A).totalBalance).toBeCloseTo(before - 300, 2);
  });

  test('the id again for another payment, or on another account of the ledger, is a conflict; another ledger may use it', () => {
    ledger.registerPspPayment(L, A, payment(300, 'once'));
    expect(codeOf(() => ledger.registerPspPayment(L, A, payment(301, 'once')))).toEqual([409, 'duplicate-psp-payment', []]);
    expect(codeOf(() => ledger.registerPspPayment(L, OPEN_NO_CONFIG, payment(300, 'once')))).toEqual([409, 'duplicate-psp-payment', []]);
    const other = accountsIn('Open', EXAMPLE.otherLedgerNo)[0];
    expect(ledger.registerPspPayment(other.ledgerNo, other.accountNo, payment(300, 'once'))).toEqual({ registered: true });
  });

  test.each([
    ['an Amount above maxPaymentAmount', (max: number) => payment(max + 0.01), 'Amount'],
    ['an Amount of 0', () => payment(0), 'Amount'],
    ['an Amount with 3 decimals', () => payment(10.005), 'Amount'],
    ['a PaymentDate in the future', () => payment(10, 'p', addDays(TODAY, 1)), 'PaymentDate'],
    ['a PaymentDate that does not exist', () => payment(10, 'p', '2026-02-30'), 'PaymentDate'],
  ])('%s is a validation problem', (_, make, field) => {
    const { maxPaymentAmount, totalBalance } = ledger.getAccount(L, A);
    expect(codeOf(() => ledger.registerPspPayment(L, A, make(maxPaymentAmount)))).toEqual([400, 'validation', [field]]);
    expect(ledger.getAccount(L, A).totalBalance).toBe(totalBalance);
  });

  test('maxPaymentAmount itself is accepted and leaves the largest surplus', () => {
    const { maxPaymentAmount } = ledger.getAccount(L, A);
    ledger.registerPspPayment(L, A, payment(maxPaymentAmount));
    expect(ledger.getAccount(L, A)).toMatchObject({ totalBalance: -MAX_SURPLUS, maxPaymentAmount: 0 });
  });

  test('pays open bills oldest first: a bill whose minimum is paid closes, a partly paid one shows what is left', () => {
    const open = () => ledger.listBills(L, A, 'open').items;
    const [newest, oldest] = open();
    expect(oldest.billNo).toBe('123');
    const oldestLeft = oldest.activePaymentDetails!.minimumAmountToBePayed;
    ledger.registerPspPayment(L, A, payment(oldestLeft + 100, 'bills'));
    expect(ledger.getBill(L, A, EXAMPLE.openReminder)).toMatchObject({ status: 'closed', activePaymentDetails: null });
    expect(open().map(b => b.billNo)).toEqual([newest.billNo]);
    expect(open()[0].activePaymentDetails!.minimumAmountToBePayed).toBeCloseTo(newest.activePaymentDetails!.minimumAmountToBePayed - 100, 2);
    expect(ledger.getAccount(L, A).openBill).toBe(`/ledger/account/v1/501/accounts/${A}/bills/${EXAMPLE.openBill}`);
  });
});

describe('bills', () => {
  test('newest first; activePaymentDetails only on open bills; a status filter', () => {
    const { items, '@id': id } = ledger.listBills(L, A);
    expect(id).toBe(`/ledger/account/v1/501/accounts/${A}/bills`);
    expect(items.map(b => b.billDate)).toEqual([...items.map(b => b.billDate)].sort().reverse());
    for (const bill of items) expect(bill.activePaymentDetails === null).toBe(bill.status === 'closed');
    expect(ledger.listBills(L, A, 'closed').items.every(b => b.status === 'closed')).toBe(true);
    expect(ledger.listBills(L, A, 'open').items.map(b => b.billNo).sort()).toEqual(['123', '456']);
  });

  test('a bill by id or by bare number; else bill-not-found', () => {
    expect(ledger.getBill(L, A, 'bill-456')).toEqual(ledger.getBill(L, A, '456'));
    expect(ledger.getBill(L, A, 'reminder-123').billType).toBe('reminder1');
    expect(codeOf(() => ledger.getBill(L, A, 'bill-123'))).toEqual([404, 'bill-not-found', []]);
    expect(codeOf(() => ledger.getBill(L, OPEN_NO_CONFIG, 'bill-456'))).toEqual([404, 'bill-not-found', []]);
  });
});

describe('cards', () => {
  test('list pages with $top/$skip and view.next', () => {
    const all = cardsOf(A).map(c => c.token);
    const page = ledger.listCards(L, A, { top: 2, skip: 0 });
    expect(page.items.map(c => c.token)).toEqual(all.slice(0, 2));
    expect(page.view).toEqual({
      '@id': `/ledger/account/v1/501/accounts/${A}/cards?$top=2&$skip=0`,
      next: `/ledger/account/v1/501/accounts/${A}/cards?$top=2&$skip=2`,
    });
    const last = ledger.listCards(L, A, { top: 2, skip: 2 });
    expect(last.items.map(c => c.token)).toEqual(all.slice(2));
    expect(last.view.next).toBeUndefined();
  });

  test('add an extra card, then get it', () => {
    const added = ledger.addCard(L, A, card());
    expect(added).toMatchObject({ token: card().token, deleted: false, mainCard: false, parentHREF: `/ledger/account/v1/501/accounts/${A}` });
    expect(ledger.getCard(L, A, card().token)).toEqual(added);
  });

  test('a token already on the ledger (any account) is duplicate-card-token; another ledger may have it', () => {
    expect(codeOf(() => ledger.addCard(L, A, card({ token: EXAMPLE.mainCard })))).toEqual([409, 'duplicate-card-token', []]);
    expect(codeOf(() => ledger.addCard(L, OPEN_NO_CONFIG, card({ token: EXAMPLE.extraCard })))).toEqual([409, 'duplicate-card-token', []]);
    const other = accountsIn('Open', EXAMPLE.otherLedgerNo)[0];
    expect(ledger.addCard(other.ledgerNo, other.accountNo, card({ token: EXAMPLE.extraCard })).token).toBe(EXAMPLE.extraCard);
  });

  test.each([
    ['a new card that is deleted', card({ deleted: true }), 400, 'validation', ['deleted']],
    ['a Swedish identity number with a wrong check digit', card({ cardHolder: { ...card().cardHolder, nationalConsumerIdentifier: { value: '19850312-2388', countryCode: 'SE' } } }), 400, 'invalid-reg-no', ['cardHolder.nationalConsumerIdentifier.value']],
    ['a Swedish identity number that is no date', card({ cardHolder: { ...card().cardHolder, nationalConsumerIdentifier: { value: '19851332-2385', countryCode: 'SE' } } }), 400, 'invalid-reg-no', ['cardHolder.nationalConsumerIdentifier.value']],
  ])('%s is refused', (_, input, status, code, fields) => {
    expect(codeOf(() => ledger.addCard(L, A, input))).toEqual([status, code, fields]);
    expect(cardsOf(A).some(c => c.token === input.token)).toBe(false);
  });

  test('identity numbers of other countries are not checked as Swedish ones', () => {
    expect(ledger.addCard(L, A, card({ cardHolder: { ...card().cardHolder, nationalConsumerIdentifier: { value: '19851332-2385', countryCode: 'NO' } } })).token).toBe(card().token);
  });

  test('a second main card, held by someone other than the owner, is accepted (no rule of the page refuses it)', () => {
    const main = ledger.addCard(L, A, card({ mainCard: true }));
    expect(main.mainCard).toBe(true);
    expect(cardsOf(A).filter(c => c.mainCard && !c.deleted).map(c => c.token)).toEqual(expect.arrayContaining([EXAMPLE.mainCard, card().token]));
  });

  test('a card of another account is card-not-found', () => {
    expect(codeOf(() => ledger.getCard(L, OPEN_NO_CONFIG, EXAMPLE.mainCard))).toEqual([404, 'card-not-found', []]);
    expect(codeOf(() => ledger.updateCard(L, A, 'nope', { deleted: true }))).toEqual([404, 'card-not-found', []]);
  });

  test('deleting is final: again changes nothing, undeleting is card-update-failed', () => {
    ledger.updateCard(L, A, EXAMPLE.extraCard, { deleted: true });
    ledger.updateCard(L, A, EXAMPLE.extraCard, { deleted: true });
    expect(ledger.getCard(L, A, EXAMPLE.extraCard)).toMatchObject({ deleted: true, operation: [] });
    expect(codeOf(() => ledger.updateCard(L, A, EXAMPLE.extraCard, { deleted: false }))).toEqual([422, 'card-update-failed', []]);
  });

  test('only deleted can be changed', () => {
    // Bodies the spec refuses before they get here: the ledger refuses them as well.
    expect(codeOf(() => ledger.updateCard(L, A, EXAMPLE.extraCard, { deleted: true, mainCard: true } as CardPatch))).toEqual([400, 'validation', ['mainCard']]);
    expect(codeOf(() => ledger.updateCard(L, A, EXAMPLE.extraCard, {} as CardPatch))).toEqual([400, 'validation', ['deleted']]);
  });

  test('a replacement deletes the replaced card and adds the new one for the same holder and role', () => {
    const holder = ledger.getCard(L, A, EXAMPLE.mainCard).cardHolder;
    const added = ledger.replaceCard(L, A, EXAMPLE.mainCard, card({ mainCard: true, cardHolder: holder }));
    expect(added).toMatchObject({ token: card().token, mainCard: true, deleted: false, cardHolder: holder });
    expect(ledger.getCard(L, A, EXAMPLE.mainCard).deleted).toBe(true);
    expect(cardsOf(A).filter(c => c.mainCard && !c.deleted).map(c => c.token)).toEqual([card().token]);
  });

  test('a replacement with another holder and role is accepted', () => {
    expect(ledger.replaceCard(L, A, EXAMPLE.mainCard, card({ mainCard: false }))).toMatchObject({ token: card().token, mainCard: false });
  });

  test("a replacement with the replaced card's own token re-issues it (the provider's example)", () => {
    const holder = ledger.getCard(L, A, EXAMPLE.mainCard).cardHolder;
    const reissued = ledger.replaceCard(L, A, EXAMPLE.mainCard, card({ token: EXAMPLE.mainCard, mainCard: true, cardHolder: holder, PanTrunc: '85479*********777' }));
    expect(reissued).toMatchObject({ token: EXAMPLE.mainCard, deleted: false, PanTrunc: '85479*********777' });
    expect(ledger.getCard(L, A, EXAMPLE.mainCard).deleted).toBe(false);
  });

  test('a replacement with another token on the ledger is refused and nothing changes', () => {
    expect(codeOf(() => ledger.replaceCard(L, A, EXAMPLE.mainCard, card({ token: EXAMPLE.extraCard })))).toEqual([409, 'duplicate-card-token', []]);
    expect(ledger.getCard(L, A, EXAMPLE.mainCard).deleted).toBe(false);
  });

  test('a deleted card cannot be replaced', () => {
    const deleted = cardsOf(A).find(c => c.deleted)!;
    expect(codeOf(() => ledger.replaceCard(L, A, deleted.token, card({ mainCard: true, cardHolder: deleted.cardHolder })))).toEqual([422, 'card-update-failed', []]);
  });
});

describe('transactions', () => {
  const dates = (filter: Parameters<Ledger['listTransactions']>[2]) => ledger.listTransactions(L, A, filter).items.map(t => t.date);

  test('by default the last 30 days, newest first — the fixtures are recent whatever today is', () => {
    const listed = dates({});
    expect(listed.length).toBeGreaterThan(3);
    expect(listed).toEqual([...listed].sort().reverse());
    expect(listed.every(d => d >= addDays(TODAY, -30) && d <= TODAY)).toBe(true);
  });

  test('a month, or a range with both ends included', () => {
    expect(dates({ month: '2026-10' }).every(d => d.startsWith('2026-10-'))).toBe(true);
    expect(dates({ month: '2026-10' }).length).toBeGreaterThan(0);
    const range = dates({ fromDate: '2026-09-01', todate: '2026-10-31' });
    expect(range.every(d => d >= '2026-09-01' && d <= '2026-10-31')).toBe(true);
    expect(dates({ fromDate: range[0], todate: range[0] })).toEqual(range.filter(d => d === range[0]));
    expect(ledger.listTransactions(L, A, { month: '2026-10' })['@id']).toBe(`/ledger/account/v1/501/accounts/${A}/transactions?month=2026-10`);
  });

  test('fromDate alone runs to today, todate alone from the start, a month with a range keeps the days in both', () => {
    const all = dates({ fromDate: '2000-01-01', todate: '2099-12-31' });
    expect(dates({ fromDate: '2026-10-01' })).toEqual(all.filter(d => d >= '2026-10-01'));
    expect(dates({ todate: '2026-10-01' })).toEqual(all.filter(d => d <= '2026-10-01'));
    expect(dates({ month: '2026-10', fromDate: '2026-10-10', todate: '2026-12-31' })).toEqual(all.filter(d => d >= '2026-10-10' && d <= '2026-10-31'));
    expect(dates({ month: '2026-10', fromDate: '2026-10-10', todate: '2026-12-31' }).length).toBeGreaterThan(0);
  });

  test.each([
    ['a date that does not exist', { fromDate: '2026-02-30', todate: '2026-03-01' }, ['fromDate']],
    ['fromDate after todate', { fromDate: '2026-10-02', todate: '2026-10-01' }, ['fromDate']],
    ['a month that does not exist', { month: '2026-13' }, ['month']],
  ])('%s is a validation problem', (_, filter, fields) => {
    expect(codeOf(() => ledger.listTransactions(L, A, filter))).toEqual([400, 'validation', fields]);
  });
});

describe('reservations', () => {
  test('are listed newest first and make up reservedAmount', () => {
    const { items } = ledger.listReservations(L, A);
    expect(items.length).toBe(2);
    expect(items.map(r => r.date)).toEqual([...items.map(r => r.date)].sort().reverse());
    expect(ledger.getAccount(L, A).reservedAmount).toBeCloseTo(items.reduce((s, r) => s + r.amount, 0), 2);
  });
});

describe('recurring payment configuration', () => {
  test('get, or recurring-payment-configuration-not-found', () => {
    expect(ledger.getRecurringConfiguration(L, A)).toMatchObject({ paymentMethod: 'autogiro', paymentScope: 'fixedRecurring', fixedAmount: 1500 });
    expect(codeOf(() => ledger.getRecurringConfiguration(L, OPEN_NO_CONFIG))).toEqual([404, 'recurring-payment-configuration-not-found', []]);
  });

  test('create; a second create replaces it (the page states no conflict)', () => {
    const created = ledger.createRecurringConfiguration(L, OPEN_NO_CONFIG, { paymentMethod: 'autogiro', paymentScope: 'billedAmount', fixedAmount: 0 });
    expect(created).toMatchObject({ paymentScope: 'billedAmount', fixedAmount: null, '@id': `/ledger/account/v1/501/accounts/${OPEN_NO_CONFIG}/recurring-payment-configuration` });
    expect(ledger.getRecurringConfiguration(L, OPEN_NO_CONFIG)).toEqual(created);
    const replaced = ledger.createRecurringConfiguration(L, OPEN_NO_CONFIG, { paymentMethod: 'autogiro', paymentScope: 'totalDebt' });
    expect(ledger.getRecurringConfiguration(L, OPEN_NO_CONFIG)).toEqual(replaced);
    expect(replaced.paymentScope).toBe('totalDebt');
  });

  test.each([
    ['fixedAmount with billedAmount', { paymentScope: 'billedAmount', fixedAmount: 100 }],
    ['fixedAmount with totalDebt', { paymentScope: 'totalDebt', fixedAmount: 100 }],
    ['fixedRecurring without fixedAmount', { paymentScope: 'fixedRecurring' }],
    ['fixedRecurring with fixedAmount 0', { paymentScope: 'fixedRecurring', fixedAmount: 0 }],
  ] as const)('%s is a validation problem naming fixedAmount', (_, input) => {
    expect(codeOf(() => ledger.createRecurringConfiguration(L, OPEN_NO_CONFIG, { paymentMethod: 'autogiro', ...input }))).toEqual([400, 'validation', ['fixedAmount']]);
  });

  test('a Closed account gets none', () => {
    expect(codeOf(() => ledger.createRecurringConfiguration(L, accountsIn('Closed')[0].accountNo, { paymentMethod: 'autogiro', paymentScope: 'totalDebt' }))).toEqual([
      403,
      'forbidden',
      [],
    ]);
  });

  test('PATCH changes what it names; leaving fixedRecurring drops the amount; the result follows the rule', () => {
    ledger.updateRecurringConfiguration(L, A, { fixedAmount: 2000 });
    expect(ledger.getRecurringConfiguration(L, A)).toMatchObject({ paymentScope: 'fixedRecurring', fixedAmount: 2000 });
    ledger.updateRecurringConfiguration(L, A, { paymentScope: 'billedAmount' });
    expect(ledger.getRecurringConfiguration(L, A)).toMatchObject({ paymentScope: 'billedAmount', fixedAmount: null });
    expect(codeOf(() => ledger.updateRecurringConfiguration(L, A, { paymentScope: 'fixedRecurring' }))).toEqual([400, 'validation', ['fixedAmount']]);
    expect(codeOf(() => ledger.updateRecurringConfiguration(L, A, { fixedAmount: 10 }))).toEqual([400, 'validation', ['fixedAmount']]);
    ledger.updateRecurringConfiguration(L, A, { paymentScope: 'fixedRecurring', fixedAmount: 700 });
    expect(ledger.getRecurringConfiguration(L, A)).toMatchObject({ paymentScope: 'fixedRecurring', fixedAmount: 700 });
  });

  test('DELETE removes it; again is not found', () => {
    ledger.deleteRecurringConfiguration(L, A);
    expect(codeOf(() => ledger.getRecurringConfiguration(L, A))).toEqual([404, 'recurring-payment-configuration-not-found', []]);
    expect(codeOf(() => ledger.deleteRecurringConfiguration(L, A))).toEqual([404, 'recurring-payment-configuration-not-found', []]);
  });
});

describe('active payment orders', () => {
  const orders = (accountNo = A) => ledger.listActivePaymentOrders(L, accountNo, { top: 20, skip: 0 }).items;
  const upcomingOpen = () =>
    ledger
      .listBills(L, A, 'open')
      .items.filter(b => b.dueDate >= TODAY)
      .sort((a, b) => a.dueDate.localeCompare(b.dueDate));

  test('fixedRecurring: one order for the fixed amount on the first open bill not yet due, which shows it', () => {
    const [first, second] = upcomingOpen();
    expect(orders()).toEqual([{ paymentMethod: 'autogiro', executeDate: first.dueDate, amount: 1500 }]);
    expect(ledger.getBill(L, A, first.billNo).activePaymentDetails!.paymentOrdersExists).toBe(true);
    expect(ledger.getBill(L, A, second.billNo).activePaymentDetails!.paymentOrdersExists).toBe(false);
  });

  test('billedAmount: one order per open bill not yet due, for what is left of its minimum', () => {
    ledger.updateRecurringConfiguration(L, A, { paymentScope: 'billedAmount' });
    expect(orders()).toEqual(
      upcomingOpen().map(b => ({ paymentMethod: 'autogiro', executeDate: b.dueDate, amount: b.activePaymentDetails!.minimumAmountToBePayed })),
    );
  });

  test('totalDebt: one order for the whole balance', () => {
    ledger.updateRecurringConfiguration(L, A, { paymentScope: 'totalDebt' });
    expect(orders()).toEqual([{ paymentMethod: 'autogiro', executeDate: upcomingOpen()[0].dueDate, amount: ledger.getAccount(L, A).totalBalance }]);
  });

  test('none without a configuration, with a revoked consent, or without open bills', () => {
    ledger.updateRecurringConsent(L, A, { status: 'revoked' });
    expect(orders()).toEqual([]);
    ledger.updateRecurringConsent(L, A, { status: 'active' });
    expect(orders().length).toBe(1);
    ledger.registerPspPayment(L, A, payment(ledger.getAccount(L, A).totalBalance, 'all'));
    expect(ledger.listBills(L, A, 'open').items).toEqual([]);
    expect(orders()).toEqual([]);
    expect(orders(OPEN_NO_CONFIG)).toEqual([]);
  });

  test('a new configuration on an account with an active consent schedules orders', () => {
    const account = accounts().find(a => a.ledgerNo === L && a.accountNo === OPEN_NO_CONFIG)!;
    ledger.createRecurringConfiguration(L, OPEN_NO_CONFIG, { paymentMethod: 'autogiro', paymentScope: 'totalDebt' });
    const hasUpcoming = ledger.listBills(L, OPEN_NO_CONFIG, 'open').items.some(b => b.dueDate >= TODAY);
    expect(orders(OPEN_NO_CONFIG).length).toBe(hasUpcoming && ledger.getAccount(L, account.accountNo).totalBalance > 0 ? 1 : 0);
  });
});

describe('recurring payment consent', () => {
  test('get and change it; an account without one is recurring-payment-consent-not-found', () => {
    expect(ledger.getRecurringConsent(L, A)).toMatchObject({ paymentMethod: 'autogiro', status: 'active', bankAccountType: 'BKSE' });
    ledger.updateRecurringConsent(L, A, { status: 'revoked', bankAccountNo: '8327-912345678' });
    expect(ledger.getRecurringConsent(L, A)).toMatchObject({ status: 'revoked', bankAccountNo: '8327-912345678' });
    const without = accounts().find(a => a.ledgerNo === L && a.status === 'Open' && !data.collection('recurringPaymentConsents').has(`${L}/${a.accountNo}`))!;
    expect(codeOf(() => ledger.getRecurringConsent(L, without.accountNo))).toEqual([404, 'recurring-payment-consent-not-found', []]);
  });

  test('only its own properties can be changed', () => {
    expect(codeOf(() => ledger.updateRecurringConsent(L, A, { owner: 'x' } as ConsentPatch))).toEqual([400, 'validation', ['owner']]);
  });
});

describe('Swedish personal identity numbers', () => {
  test.each([
    ['19101010-1010', true],
    ['19850312-2387', true],
    ['19850312-2388', false],
    ['19850230-2381', false],
    ['19850372-2384', true], // a coordination number: day + 60
    ['19850392-2382', false], // day 92 − 60 = 32
  ])('%s valid: %s', (value, valid) => {
    expect(swedishIdentityNumberValid(value)).toBe(valid);
  });
});

describe('writes through the admin data API', () => {
  const write = (collection: string, key: string, record: Record<string, unknown> | null, previous?: Record<string, unknown>): AdminWrite => ({
    collection,
    key,
    record,
    previous,
    now: NOW,
  });
  const transaction = (over: Partial<TransactionRecord> = {}) => ({
    id: 't-1',
    ledgerNo: L,
    accountNo: A,
    type: 'purchase',
    description: 'Kiosk',
    amount: 10,
    initiatedFromPointOfSale: true,
    date: TODAY,
    ...over,
  });

  test('a consistent record is stored as given', () => {
    expect(ledger.checkAdminWrite(write('transactions', 't-1', transaction()))).toEqual(transaction());
  });

  test.each([
    ['a transaction of an unknown account', 'transactions', 't-1', transaction({ accountNo: '0000000' }), 404, 'account-not-found', []],
    ['a record under another key', 'transactions', 't-2', transaction(), 400, 'validation', ['key']],
    ['a positive payment', 'transactions', 't-1', transaction({ type: 'payment' }), 400, 'validation', ['amount']],
    ['a negative purchase', 'transactions', 't-1', transaction({ amount: -5 }), 400, 'validation', ['amount']],
    ['a PSP payment under another id', 'transactions', 't-1', transaction({ type: 'payment', amount: -5, sourcePspPaymentTransactionId: 'x' }), 400, 'validation', ['id']],
    ['a configuration breaking the fixedAmount rule', 'recurringPaymentConfigurations', `${L}/${A}`, { ledgerNo: L, accountNo: A, paymentMethod: 'autogiro', paymentScope: 'fixedRecurring', fixedAmount: null }, 400, 'validation', ['fixedAmount']],
    ['a bill whose id is not its type and number', 'bills', `${L}/${A}/bill-9`, { ledgerNo: L, accountNo: A, billId: 'bill-9', billNo: '8', billType: 'bill', billDate: TODAY, dueDate: TODAY, billAmount: 1, status: 'open', externalBillId: null, minimumAmountToBePayed: 1, amountPaid: 0, paymentDetails: {} }, 400, 'validation', ['billId']],
  ])('%s is refused', (_, collection, key, record, status, code, fields) => {
    expect(codeOf(() => ledger.checkAdminWrite(write(collection, key, record as Record<string, unknown>)))).toEqual([status, code, fields]);
  });

  test('an account with records cannot be deleted; one without can', () => {
    const account = accounts().find(a => a.accountNo === A)! as unknown as Record<string, unknown>;
    expect(codeOf(() => ledger.checkAdminWrite(write('accounts', `${L}/${A}`, null, account)))).toEqual([409, 'conflict', []]);
    const empty = { ...account, accountNo: '7777777' };
    expect(ledger.checkAdminWrite(write('accounts', `${L}/7777777`, null, empty))).toBeNull();
  });
});

describe('fixtures follow the rules', () => {
  test('each ledger has accounts in every status; 501 has the provider\'s example account and cards', () => {
    for (const ledgerNo of [EXAMPLE.ledgerNo, EXAMPLE.otherLedgerNo]) {
      expect(new Set(accounts().filter(a => a.ledgerNo === ledgerNo).map(a => a.status))).toEqual(new Set(['Open', 'PendingClose', 'Closed']));
    }
    expect(ledger.getCard(L, A, EXAMPLE.mainCard)).toMatchObject({ mainCard: true, deleted: false });
    expect(ledger.getCard(L, A, EXAMPLE.extraCard)).toMatchObject({ mainCard: false, deleted: false });
  });

  test('every account has at most one main card that is not deleted, held by its owner; closed accounts have only deleted cards', () => {
    for (const account of accounts()) {
      const cards = cardsOf(account.accountNo).filter(c => c.ledgerNo === account.ledgerNo);
      const mains = cards.filter(c => c.mainCard && !c.deleted);
      expect(mains.length).toBeLessThanOrEqual(1);
      expect(mains.every(c => c.cardHolder.number === account.customerNo)).toBe(true);
      if (account.status === 'Closed') expect(cards.every(c => c.deleted)).toBe(true);
      for (const c of cards) expect(swedishIdentityNumberValid(c.cardHolder.nationalConsumerIdentifier.value)).toBe(true);
    }
  });

  test('closed accounts are settled: balance 0, no open bills, no reservations, no recurring payments', () => {
    for (const account of accounts().filter(a => a.status === 'Closed')) {
      expect(ledger.getAccount(account.ledgerNo, account.accountNo)).toMatchObject({ totalBalance: 0, reservedAmount: 0, openBill: null });
      expect(codeOf(() => ledger.getRecurringConfiguration(account.ledgerNo, account.accountNo))[1]).toBe('recurring-payment-configuration-not-found');
    }
  });

  test('open accounts hold their reservations within their credit; there are open and closed bills, main and extra cards', () => {
    for (const account of accountsIn('Open').concat(accountsIn('Open', EXAMPLE.otherLedgerNo))) {
      const { creditLimit, totalBalance, reservedAmount } = ledger.getAccount(account.ledgerNo, account.accountNo);
      expect(creditLimit - totalBalance - reservedAmount).toBeGreaterThanOrEqual(0);
    }
    for (const ledgerNo of [EXAMPLE.ledgerNo, EXAMPLE.otherLedgerNo]) {
      const all = accounts().filter(a => a.ledgerNo === ledgerNo);
      const bills = all.flatMap(a => ledger.listBills(ledgerNo, a.accountNo).items);
      expect(new Set(bills.map(b => b.status))).toEqual(new Set(['open', 'closed']));
      const cards = data.collection<CardRecord>('cards').values().filter(c => c.ledgerNo === ledgerNo);
      expect(new Set(cards.map(c => c.mainCard))).toEqual(new Set([true, false]));
      const months = new Set(data.collection<TransactionRecord>('transactions').values().filter(t => t.ledgerNo === ledgerNo).map(t => t.date.slice(0, 7)));
      expect(months.size).toBeGreaterThanOrEqual(5);
      expect(data.collection('recurringPaymentConfigurations').values().some(c => (c as { ledgerNo: string }).ledgerNo === ledgerNo)).toBe(true);
      expect(data.collection('reservations').values().some(r => (r as { ledgerNo: string }).ledgerNo === ledgerNo)).toBe(true);
    }
  });
});
