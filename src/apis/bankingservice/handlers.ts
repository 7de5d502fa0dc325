// bankingservice.ai HTTP handlers, keyed by operationId and typed by the spec
// (src/generated/bankingservice.ts): read the validated request, call the state, shape the response.
import { firstValue, type RequestContext } from '../../core/api-module.js';
import { typedHandlers } from '../../core/typed-handlers.js';
import type { operations } from '../../generated/bankingservice.js';
import { authorize, grantToken, tokenParameters } from './auth.js';
import { Customers } from './state.js';

const customers = (ctx: Pick<RequestContext, 'data' | 'now' | 'ids'>) => new Customers(ctx.data, () => ctx.now(), ctx.ids);

/**
 * A paging value as a whole number ≥ 0, or undefined when it is not one: the list documents no 400,
 * so a value it cannot use counts as the default (see the spec's `page` and `size`).
 */
function wholeNumber(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*\d{1,9}\s*$/.test(value)) return undefined;
  return Number(value);
}

export const handlers = typedHandlers<operations>({
  listCustomers(ctx) {
    authorize(ctx);
    const page = wholeNumber(firstValue(ctx.query.page)) ?? 0;
    const size = Math.min(100, Math.max(1, wholeNumber(firstValue(ctx.query.size)) ?? 20));
    return { status: 200, body: customers(ctx).list(ctx.params.profileId, { page, size }) };
  },

  createCustomer(ctx) {
    authorize(ctx);
    return { status: 200, body: customers(ctx).create(ctx.params.profileId, ctx.body) };
  },

  getCustomer(ctx) {
    authorize(ctx);
    return { status: 200, body: customers(ctx).get(ctx.params.profileId, ctx.params.customerId) };
  },

  updateCustomer(ctx) {
    authorize(ctx);
    return { status: 200, body: customers(ctx).replace(ctx.params.profileId, ctx.params.customerId, ctx.body) };
  },

  deleteCustomer(ctx) {
    authorize(ctx);
    return { status: 200, body: customers(ctx).delete(ctx.params.profileId, ctx.params.customerId) };
  },

  createToken(ctx) {
    const grant = grantToken(ctx.apiSlug, tokenParameters(ctx.body), ctx.headers.authorization, ctx.now());
    return { status: 200, headers: { 'cache-control': 'no-store' }, body: grant };
  },
});
