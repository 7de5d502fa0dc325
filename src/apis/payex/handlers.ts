// PayEx HTTP handlers, keyed by operationId and typed by the spec (src/generated/payex.ts): read the
// validated request, call the ledger, shape the response.
import { firstValue, type RequestContext } from '../../core/api-module.js';
import { typedHandlers } from '../../core/typed-handlers.js';
import type { operations } from '../../generated/payex.js';
import { authorizeLedger, issueLedgerToken } from './auth.js';
import { renderBillPdf } from './bill-document.js';
import { Ledger } from './state.js';

type LedgerContext = Pick<RequestContext, 'apiSlug' | 'headers' | 'data' | 'now'> & { readonly params: { readonly ledgerNo: string } };

/** The ledger of the path, once the bearer token may be used on it (every operation but the token's). */
function ledger(ctx: LedgerContext): Ledger {
  authorizeLedger(ctx);
  return new Ledger(ctx.data, () => ctx.now());
}

/** A query parameter by name, matched case-insensitively as the provider (and Prism's validation) does: `toDate` is `todate`. */
function query(received: Readonly<Record<string, string | string[] | undefined>>, name: string): string | undefined {
  const key = Object.keys(received).find(k => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : firstValue(received[key]);
}

/** `$top`/`$skip` paging, with the spec's defaults. */
function paging(received: Readonly<Record<string, string | string[] | undefined>>) {
  return { top: Number(query(received, '$top') ?? 20), skip: Number(query(received, '$skip') ?? 0) };
}

export const handlers = typedHandlers<operations>({
  listAccounts(ctx) {
    const accounts = ledger(ctx).listAccounts(ctx.params.ledgerNo, {
      accountNo: query(ctx.query, 'accountNo'),
      customerNo: query(ctx.query, 'customerNo'),
      skip: Number(query(ctx.query, 'skip') ?? 0),
    });
    return { status: 200, body: accounts };
  },
  getAccount(ctx) {
    return { status: 200, body: ledger(ctx).getAccount(ctx.params.ledgerNo, ctx.params.accountNo) };
  },
  updateAccount(ctx) {
    ledger(ctx).updateAccount(ctx.params.ledgerNo, ctx.params.accountNo, ctx.body);
    return { status: 204 };
  },
  requestCloseAccount(ctx) {
    ledger(ctx).requestCloseAccount(ctx.params.ledgerNo, ctx.params.accountNo);
    return { status: 204 };
  },
  registerPspPayment(ctx) {
    ledger(ctx).registerPspPayment(ctx.params.ledgerNo, ctx.params.accountNo, ctx.body);
    return { status: 204 };
  },

  listBills(ctx) {
    const status = query(ctx.query, 'status');
    const bills = ledger(ctx).listBills(ctx.params.ledgerNo, ctx.params.accountNo, status === 'open' || status === 'closed' ? status : undefined);
    return { status: 200, body: bills };
  },
  getBill(ctx) {
    return { status: 200, body: ledger(ctx).getBill(ctx.params.ledgerNo, ctx.params.accountNo, ctx.params.billId) };
  },
  async getBillDocument(ctx) {
    const document = ledger(ctx).billDocument(ctx.params.ledgerNo, ctx.params.accountNo, ctx.params.billId);
    return {
      status: 200,
      headers: { 'content-type': 'application/pdf', 'content-disposition': `inline; filename="${document.record.billId}.pdf"` },
      body: await renderBillPdf(document),
    };
  },

  listCards(ctx) {
    return { status: 200, body: ledger(ctx).listCards(ctx.params.ledgerNo, ctx.params.accountNo, paging(ctx.query)) };
  },
  getCard(ctx) {
    return { status: 200, body: ledger(ctx).getCard(ctx.params.ledgerNo, ctx.params.accountNo, ctx.params.cardToken) };
  },
  addCard(ctx) {
    const card = ledger(ctx).addCard(ctx.params.ledgerNo, ctx.params.accountNo, ctx.body);
    return { status: 201, headers: { location: card['@id'] }, body: card };
  },
  updateCard(ctx) {
    ledger(ctx).updateCard(ctx.params.ledgerNo, ctx.params.accountNo, ctx.params.cardToken, ctx.body);
    return { status: 204 };
  },
  addReplacementCard(ctx) {
    const card = ledger(ctx).replaceCard(ctx.params.ledgerNo, ctx.params.accountNo, ctx.params.cardToken, ctx.body);
    return { status: 201, headers: { location: card['@id'] }, body: card };
  },

  listTransactions(ctx) {
    const transactions = ledger(ctx).listTransactions(ctx.params.ledgerNo, ctx.params.accountNo, {
      fromDate: query(ctx.query, 'fromDate'),
      todate: query(ctx.query, 'todate'),
      month: query(ctx.query, 'month'),
    });
    return { status: 200, body: transactions };
  },
  listReservations(ctx) {
    return { status: 200, body: ledger(ctx).listReservations(ctx.params.ledgerNo, ctx.params.accountNo) };
  },

  getRecurringPaymentConfiguration(ctx) {
    return { status: 200, body: ledger(ctx).getRecurringConfiguration(ctx.params.ledgerNo, ctx.params.accountNo) };
  },
  createRecurringPaymentConfiguration(ctx) {
    const configuration = ledger(ctx).createRecurringConfiguration(ctx.params.ledgerNo, ctx.params.accountNo, ctx.body);
    return { status: 201, headers: { location: configuration['@id'] }, body: configuration };
  },
  updateRecurringPaymentConfiguration(ctx) {
    ledger(ctx).updateRecurringConfiguration(ctx.params.ledgerNo, ctx.params.accountNo, ctx.body);
    return { status: 204 };
  },
  deleteRecurringPaymentConfiguration(ctx) {
    ledger(ctx).deleteRecurringConfiguration(ctx.params.ledgerNo, ctx.params.accountNo);
    return { status: 204 };
  },
  getRecurringPaymentConsent(ctx) {
    return { status: 200, body: ledger(ctx).getRecurringConsent(ctx.params.ledgerNo, ctx.params.accountNo) };
  },
  updateRecurringPaymentConsent(ctx) {
    ledger(ctx).updateRecurringConsent(ctx.params.ledgerNo, ctx.params.accountNo, ctx.body);
    return { status: 204 };
  },
  listActivePaymentOrders(ctx) {
    return { status: 200, body: ledger(ctx).listActivePaymentOrders(ctx.params.ledgerNo, ctx.params.accountNo, paging(ctx.query)) };
  },

  createToken(ctx) {
    const form = new URLSearchParams(ctx.body);
    const ledgerNo = form.get('ledgerNo') ?? '';
    const { token, expiresIn } = issueLedgerToken(ctx.apiSlug, ledgerNo, form.get('client_id') ?? '', ctx.now());
    return { status: 200, body: { access_token: token, token_type: 'Bearer', expires_in: expiresIn, ledgerNo } };
  },
});
