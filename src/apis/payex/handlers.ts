// PayEx HTTP handlers, keyed by operationId: read the validated request, call the ledger, shape the response.
import { firstValue, type Handler, type RequestContext } from '../../core/api-module.js';
import { authorizeLedger, issueLedgerToken } from './auth.js';
import { renderBillPdf } from './bill-document.js';
import { Ledger, type AccountPatch, type CardInput, type ConfigurationInput, type ConsentPatch, type PspPayment } from './state.js';

const ledger = (ctx: RequestContext) => new Ledger(ctx.data, () => ctx.now());
/** A query parameter by name, matched case-insensitively as the provider (and Prism's validation) does: `toDate` is `todate`. */
const query = (ctx: RequestContext, name: string) => {
  const key = Object.keys(ctx.query).find(k => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : firstValue(ctx.query[key]);
};
const paging = (ctx: RequestContext) => ({ top: Number(query(ctx, '$top') ?? 20), skip: Number(query(ctx, '$skip') ?? 0) });
const ok = (body: unknown) => ({ status: 200, body });
const noContent = { status: 204 };

const ledgerHandlers: Record<string, Handler> = {
  listAccounts: ctx =>
    ok(
      ledger(ctx).listAccounts(ctx.params.ledgerNo, {
        accountNo: query(ctx, 'accountNo'),
        customerNo: query(ctx, 'customerNo'),
        skip: Number(query(ctx, 'skip') ?? 0),
      }),
    ),
  getAccount: ctx => ok(ledger(ctx).getAccount(ctx.params.ledgerNo, ctx.params.accountNo)),
  updateAccount(ctx) {
    ledger(ctx).updateAccount(ctx.params.ledgerNo, ctx.params.accountNo, ctx.body as AccountPatch);
    return noContent;
  },
  requestCloseAccount(ctx) {
    ledger(ctx).requestCloseAccount(ctx.params.ledgerNo, ctx.params.accountNo);
    return noContent;
  },
  registerPspPayment(ctx) {
    ledger(ctx).registerPspPayment(ctx.params.ledgerNo, ctx.params.accountNo, ctx.body as PspPayment);
    return noContent;
  },

  listBills: ctx => ok(ledger(ctx).listBills(ctx.params.ledgerNo, ctx.params.accountNo, query(ctx, 'status') as 'open' | 'closed' | undefined)),
  getBill: ctx => ok(ledger(ctx).getBill(ctx.params.ledgerNo, ctx.params.accountNo, ctx.params.billId)),
  async getBillDocument(ctx) {
    const document = ledger(ctx).billDocument(ctx.params.ledgerNo, ctx.params.accountNo, ctx.params.billId);
    return {
      status: 200,
      headers: { 'content-type': 'application/pdf', 'content-disposition': `inline; filename="${document.record.billId}.pdf"` },
      body: await renderBillPdf(document),
    };
  },

  listCards: ctx => ok(ledger(ctx).listCards(ctx.params.ledgerNo, ctx.params.accountNo, paging(ctx))),
  getCard: ctx => ok(ledger(ctx).getCard(ctx.params.ledgerNo, ctx.params.accountNo, ctx.params.cardToken)),
  addCard(ctx) {
    const card = ledger(ctx).addCard(ctx.params.ledgerNo, ctx.params.accountNo, ctx.body as CardInput);
    return { status: 201, headers: { location: card['@id'] }, body: card };
  },
  updateCard(ctx) {
    ledger(ctx).updateCard(ctx.params.ledgerNo, ctx.params.accountNo, ctx.params.cardToken, ctx.body as { deleted?: boolean });
    return noContent;
  },
  addReplacementCard(ctx) {
    const card = ledger(ctx).replaceCard(ctx.params.ledgerNo, ctx.params.accountNo, ctx.params.cardToken, ctx.body as CardInput);
    return { status: 201, headers: { location: card['@id'] }, body: card };
  },

  listTransactions: ctx =>
    ok(
      ledger(ctx).listTransactions(ctx.params.ledgerNo, ctx.params.accountNo, {
        fromDate: query(ctx, 'fromDate'),
        todate: query(ctx, 'todate'),
        month: query(ctx, 'month'),
      }),
    ),
  listReservations: ctx => ok(ledger(ctx).listReservations(ctx.params.ledgerNo, ctx.params.accountNo)),

  getRecurringPaymentConfiguration: ctx => ok(ledger(ctx).getRecurringConfiguration(ctx.params.ledgerNo, ctx.params.accountNo)),
  createRecurringPaymentConfiguration(ctx) {
    const configuration = ledger(ctx).createRecurringConfiguration(ctx.params.ledgerNo, ctx.params.accountNo, ctx.body as ConfigurationInput);
    return { status: 201, headers: { location: configuration['@id'] }, body: configuration };
  },
  updateRecurringPaymentConfiguration(ctx) {
    ledger(ctx).updateRecurringConfiguration(ctx.params.ledgerNo, ctx.params.accountNo, ctx.body as ConfigurationInput);
    return noContent;
  },
  deleteRecurringPaymentConfiguration(ctx) {
    ledger(ctx).deleteRecurringConfiguration(ctx.params.ledgerNo, ctx.params.accountNo);
    return noContent;
  },
  getRecurringPaymentConsent: ctx => ok(ledger(ctx).getRecurringConsent(ctx.params.ledgerNo, ctx.params.accountNo)),
  updateRecurringPaymentConsent(ctx) {
    ledger(ctx).updateRecurringConsent(ctx.params.ledgerNo, ctx.params.accountNo, ctx.body as ConsentPatch);
    return noContent;
  },
  listActivePaymentOrders: ctx => ok(ledger(ctx).listActivePaymentOrders(ctx.params.ledgerNo, ctx.params.accountNo, paging(ctx))),
};

/** Every ledger operation first checks that the bearer token may be used on the path's ledger. */
const authorized = Object.fromEntries(
  Object.entries(ledgerHandlers).map(([operationId, handler]): [string, Handler] => [
    operationId,
    ctx => {
      authorizeLedger(ctx);
      return handler(ctx);
    },
  ]),
);

export const handlers: Record<string, Handler> = {
  ...authorized,
  createToken(ctx) {
    const form = new URLSearchParams(String(ctx.body ?? ''));
    const ledgerNo = form.get('ledgerNo') ?? '';
    const { token, expiresIn } = issueLedgerToken(ctx.apiSlug, ledgerNo, form.get('client_id') ?? '', ctx.now());
    return ok({ access_token: token, token_type: 'Bearer', expires_in: expiresIn, ledgerNo });
  },
};
