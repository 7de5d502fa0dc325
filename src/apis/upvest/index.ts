// Upvest Investment API — reference accounts (seed 003), mounted at /upvest.
import type { ApiModule } from '../../core/api-module.js';
import { renderProblem } from './errors.js';
import { generateFixtures } from './fixtures.js';
import { handlers } from './handlers.js';
import { ReferenceAccounts, type StoredReferenceAccount } from './state.js';

export const upvest: ApiModule = {
  slug: 'upvest',
  title: 'Upvest Investment API — Reference Accounts',
  providerBaseUrl: 'https://sandbox.upvest.co',
  collections: {
    users: { schema: 'UserRecord', description: 'Upvest users (sandbox only: the users API is not part of this page)' },
    referenceAccounts: { schema: 'ReferenceAccountRecord', description: 'Reference accounts with their full IBAN' },
    idempotencyKeys: { schema: 'IdempotencyRecord', description: 'Creates remembered by client id and idempotency key' },
  },
  generateFixtures,
  handlers,
  renderProblem,
  beforeAdminWrite: (write, data) => new ReferenceAccounts(data, () => write.now).checkAdminWrite(write),
  responseHeaders: ctx => ({ 'upvest-request-id': ctx.requestId }),
  negotiateAccept: true,
  tryIt(data) {
    const [account] = data.collection<StoredReferenceAccount>('referenceAccounts').values();
    const headers = { 'upvest-client-id': '8c8d2e1f-3b4a-4c5d-9e6f-7a8b9c0d1e2f', authorization: 'Bearer test' };
    return account
      ? [
          { method: 'GET', path: `/users/${account.user_id}/payments/reference_accounts`, headers },
          { method: 'GET', path: `/payments/reference_accounts/${account.id}`, headers },
        ]
      : [];
  },
};
