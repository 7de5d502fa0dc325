// bankingservice.ai HTTP handlers, keyed by operationId: read the validated request, call the state, shape the response.
import { firstValue, type Handler, type RequestContext } from '../../core/api-module.js';
import { authorize, grantToken, tokenParameters } from './auth.js';
import { Customers, type CustomerInput } from './state.js';

const customers = (ctx: RequestContext) => new Customers(ctx.data, () => ctx.now(), ctx.ids);

export const handlers: Record<string, Handler> = {
  listCustomers(ctx) {
    authorize(ctx);
    const page = Number(firstValue(ctx.query.page) ?? 0);
    const size = Number(firstValue(ctx.query.size) ?? 20);
    return { status: 200, body: customers(ctx).list(ctx.params.profileId, { page, size }) };
  },

  createCustomer(ctx) {
    authorize(ctx);
    return { status: 200, body: customers(ctx).create(ctx.params.profileId, ctx.body as CustomerInput) };
  },

  getCustomer(ctx) {
    authorize(ctx);
    return { status: 200, body: customers(ctx).get(ctx.params.profileId, ctx.params.customerId) };
  },

  updateCustomer(ctx) {
    authorize(ctx);
    return { status: 200, body: customers(ctx).replace(ctx.params.profileId, ctx.params.customerId, ctx.body as CustomerInput) };
  },

  deleteCustomer(ctx) {
    authorize(ctx);
    return { status: 200, body: customers(ctx).delete(ctx.params.profileId, ctx.params.customerId) };
  },

  createToken(ctx) {
    const grant = grantToken(ctx.apiSlug, tokenParameters(ctx.body), ctx.headers.authorization, ctx.now());
    return { status: 200, headers: { 'cache-control': 'no-store' }, body: grant };
  },
};
