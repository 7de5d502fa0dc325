// MasStack MasCustomers API v4 — accounts (seed 000), mounted at /masstack.
import type { ApiModule } from '../../core/api-module.js';
import { renderProblem } from './errors.js';
import { EXAMPLE, generateFixtures } from './fixtures.js';
import { handlers } from './handlers.js';
import { Accounts, checkAdminWrite } from './state.js';

export const masstack: ApiModule = {
  slug: 'masstack',
  title: 'MasStack MasCustomers API v4 — Accounts',
  providerBaseUrl: 'https://customers.masstack.com/v4',
  collections: {
    organizations: { schema: 'OrganizationRecord', description: 'Organizations (tenants), keyed by the org_id of the paths' },
    customers: { schema: 'CustomerRecord', description: 'Customers, each of one organization (sandbox only: the customers API is not part of this page)' },
    accounts: { schema: 'AccountRecord', description: 'Accounts with their organization' },
  },
  generateFixtures,
  handlers,
  passDay: ({ data, day, now }) => new Accounts(data, '', () => now).invoiceCycleDay(day),
  renderProblem,
  beforeAdminWrite: checkAdminWrite,
  tryIt(data) {
    const headers = { 'x-auth-roles': 'API_KEY' };
    return data.collection('accounts').has(EXAMPLE.directDebitAccount)
      ? [
          { method: 'GET', path: `/orgs/${EXAMPLE.org}/customers/${EXAMPLE.customer}/accounts`, headers },
          { method: 'GET', path: `/orgs/${EXAMPLE.org}/accounts/${EXAMPLE.directDebitAccount}`, headers },
        ]
      : [];
  },
};
