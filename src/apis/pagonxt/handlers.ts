// PagoNxt HTTP handlers, keyed by operationId: read the validated request, call the rules, shape the response.
import { firstValue, type Handler, type RequestContext } from '../../core/api-module.js';
import { requireScope } from '../../core/tokens.js';
import { ACCOUNTS_READ, issueClientCredentialsToken } from './oauth.js';
import { Accounts, type AccountIdType } from './state.js';


export const handlers: Record<string, Handler> = {
  getAccount(ctx: RequestContext) {
    requireScope(ctx.apiSlug, ctx.headers.authorization, ctx.now(), ACCOUNTS_READ);
    const accounts = new Accounts(ctx.data, () => ctx.now());
    const account = accounts.find({
      customerId: ctx.params.customer_id,
      accountId: ctx.params.account_id,
      accountIdType: firstValue(ctx.query.account_id_type) as AccountIdType | undefined,
      country: firstValue(ctx.query.country),
    });
    return { status: 200, body: accounts.present(account, ctx.baseUrl) };
  },

  createToken(ctx: RequestContext) {
    const form = new URLSearchParams(String(ctx.body ?? ''));
    const token = issueClientCredentialsToken(
      ctx.apiSlug,
      { client_assertion: form.get('client_assertion') ?? '', client_id: form.get('client_id') ?? undefined, scope: form.get('scope') ?? undefined },
      ctx.now(),
    );
    return { status: 200, headers: { 'cache-control': 'no-store' }, body: token };
  },
};
