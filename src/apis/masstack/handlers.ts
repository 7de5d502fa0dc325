// MasStack HTTP handlers, keyed by operationId and typed by the spec (src/generated/masstack.ts):
// read the validated request, call the state, shape the response.
import type { RequestContext } from '../../core/api-module.js';
import { typedHandlers } from '../../core/typed-handlers.js';
import type { operations } from '../../generated/masstack.js';
import { authorizeOrganization } from './auth.js';
import { Accounts } from './state.js';

/** The accounts of the path's organization, once the caller may reach it. */
function accounts(ctx: Pick<RequestContext, 'headers' | 'data' | 'now' | 'ids'> & { readonly params: { readonly org_id: string } }): Accounts {
  authorizeOrganization(ctx.headers.authorization, ctx.params.org_id);
  return new Accounts(ctx.data, ctx.params.org_id, () => ctx.now(), ctx.ids);
}

export const handlers = typedHandlers<operations>({
  getAccount(ctx) {
    return { status: 200, body: accounts(ctx).get(ctx.params.account_id) };
  },

  patchAccountPaymentMethod(ctx) {
    accounts(ctx).changePaymentMethod(ctx.params.account_id, ctx.body);
    return { status: 204 };
  },

  listCustomerAccounts(ctx) {
    return { status: 200, body: { account_ids: accounts(ctx).listIds(ctx.params.customer_id) } };
  },

  // The provider answers a create with 200, not 201.
  createCustomerAccount(ctx) {
    const account = accounts(ctx).create(ctx.params.customer_id, ctx.body);
    return { status: 200, body: { account_id: account.id } };
  },

  deleteCustomerAccount(ctx) {
    accounts(ctx).delete(ctx.params.customer_id, ctx.params.account_id);
    return { status: 204 };
  },

  getAvailablePaymentMethods(ctx) {
    return { status: 200, body: accounts(ctx).availablePaymentMethods(ctx.params.customer_id, ctx.params.account_id) };
  },
});
