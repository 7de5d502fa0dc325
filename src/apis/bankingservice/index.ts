// bankingservice.ai Enterprise API — customers (seed 002), mounted at /bankingservice.
import type { ApiModule } from '../../core/api-module.js';
import { renderProblem } from './errors.js';
import { EXAMPLE_CUSTOMER, generateFixtures } from './fixtures.js';
import { handlers } from './handlers.js';
import { Customers, type StoredCustomer } from './state.js';

export const bankingservice: ApiModule = {
  slug: 'bankingservice',
  title: 'bankingservice.ai Enterprise API — Customers',
  providerBaseUrl: 'https://api.bankingservice.ai',
  collections: {
    profiles: { schema: 'ProfileRecord', description: 'Profiles of the partner (sandbox only: the profiles API is not part of this page)' },
    customers: { schema: 'CustomerRecord', description: 'Customers, each with the profile it belongs to' },
  },
  generateFixtures,
  handlers,
  renderProblem,
  beforeAdminWrite: (write, data) => new Customers(data, () => write.now).checkAdminWrite(write),
  bodyLimit: 64 * 1024,
  tryIt(data) {
    const customer = data.collection<StoredCustomer>('customers').get(EXAMPLE_CUSTOMER.id) ?? data.collection<StoredCustomer>('customers').values()[0];
    const headers = { authorization: 'Bearer test' };
    return customer
      ? [
          { method: 'GET', path: `/v1/profiles/${customer.profile_id}/customers`, headers },
          { method: 'GET', path: `/v1/profiles/${customer.profile_id}/customers/${customer.id}`, headers },
        ]
      : [];
  },
};
