// PagoNxt HTTP handlers, keyed by operationId and typed by the spec (src/generated/pagonxt.ts): read
// the validated request, call the rules, shape the response.
import { firstValue } from '../../core/api-module.js';
import { requireScope } from '../../core/tokens.js';
import { typedHandlers } from '../../core/typed-handlers.js';
import type { operations } from '../../generated/pagonxt.js';
import { ACCOUNTS_READ, issueClientCredentialsToken } from './oauth.js';
import { Accounts, type AccountIdType } from './state.js';

const ACCOUNT_ID_TYPES: readonly string[] = ['iban', 'bban', 'uuid'] satisfies AccountIdType[];
const isAccountIdType = (value: string | undefined): value is AccountIdType => value !== undefined && ACCOUNT_ID_TYPES.includes(value);

export const handlers = typedHandlers<operations>({
  getAccount(ctx) {
    requireScope(ctx.apiSlug, ctx.headers.authorization, ctx.now(), ACCOUNTS_READ);
    const accounts = new Accounts(ctx.data, () => ctx.now());
    const accountIdType = firstValue(ctx.query.account_id_type);
    const account = accounts.find({
      customerId: ctx.params.customer_id,
      accountId: ctx.params.account_id,
      // The spec's enum (Prism has validated it); left out, the default applies.
      accountIdType: isAccountIdType(accountIdType) ? accountIdType : undefined,
      country: firstValue(ctx.query.country),
    });
    return { status: 200, body: accounts.present(account, ctx.baseUrl) };
  },

  createToken(ctx) {
    const form = new URLSearchParams(ctx.body);
    const token = issueClientCredentialsToken(
      ctx.apiSlug,
      { client_assertion: form.get('client_assertion') ?? '', client_id: form.get('client_id') ?? undefined, scope: form.get('scope') ?? undefined },
      ctx.now(),
    );
    return { status: 200, headers: { 'cache-control': 'no-store' }, body: token };
  },
});
