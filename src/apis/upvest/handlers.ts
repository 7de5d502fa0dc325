// Upvest HTTP handlers, keyed by operationId and typed by the spec (src/generated/upvest.ts): read
// the validated request, call the state, shape the response.
import { firstValue } from '../../core/api-module.js';
import { invalidField } from '../../core/problem.js';
import { issueToken } from '../../core/tokens.js';
import { typedHandlers, type TypedContext } from '../../core/typed-handlers.js';
import type { operations } from '../../generated/upvest.js';
import { ADMIN, READ, authorize } from './auth.js';
import { ReferenceAccounts, type ListOptions } from './state.js';

const state = (ctx: Pick<TypedContext<unknown>, 'data' | 'now' | 'ids'>) => new ReferenceAccounts(ctx.data, () => ctx.now(), ctx.ids);

/** The list options from the validated query (the spec's enums and bounds), with the spec's defaults. */
function listOptions(query: TypedContext<operations['listUserReferenceAccounts']>['query']): ListOptions {
  return {
    sort: firstValue(query.sort) === 'id' ? 'id' : 'created_at',
    order: firstValue(query.order) === 'DESC' ? 'DESC' : 'ASC',
    offset: Number(firstValue(query.offset) ?? 0),
    limit: Number(firstValue(query.limit) ?? 100),
  };
}

const SCOPE = /^[a-z_]+:[a-z_]+$/;

export const handlers = typedHandlers<operations>({
  listUserReferenceAccounts(ctx) {
    authorize(ctx, READ, ADMIN);
    return { status: 200, body: state(ctx).list(ctx.params.user_id, listOptions(ctx.query)) };
  },

  createReferenceAccount(ctx) {
    authorize(ctx, ADMIN);
    const { account, replayed } = state(ctx).create(ctx.body, {
      clientId: ctx.headers['upvest-client-id'] ?? '',
      key: ctx.headers['idempotency-key'] ?? '',
    });
    return { status: 200, body: account, headers: replayed ? { 'idempotent-replayed': 'true' } : undefined };
  },

  getReferenceAccount(ctx) {
    authorize(ctx, READ, ADMIN);
    return { status: 200, body: state(ctx).get(ctx.params.reference_account_id) };
  },

  deleteReferenceAccount(ctx) {
    authorize(ctx, ADMIN);
    state(ctx).delete(ctx.params.reference_account_id);
    return { status: 204 };
  },

  createToken(ctx) {
    const form = new URLSearchParams(ctx.body);
    const scope = (form.get('scope') ?? '').trim();
    const scopes = scope.split(/\s+/).filter(Boolean);
    const bad = scopes.find(s => !SCOPE.test(s));
    if (!scopes.length || bad) throw invalidField('body.scope', `"${bad ?? scope}" is not a scope such as ${READ}`);
    const { token, expiresIn } = issueToken(ctx.apiSlug, { scopes, subject: form.get('client_id') ?? undefined, now: ctx.now() });
    return { status: 200, body: { access_token: token, expires_in: expiresIn, token_type: 'bearer', scope: scopes.join(' ') } };
  },
});
