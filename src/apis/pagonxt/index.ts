// PagoNxt Payments (OneTrade) Accounts API — Get account (seed 004), mounted at /pagonxt.
import type { ApiModule } from '../../core/api-module.js';
import { renderProblem } from './errors.js';
import { EXAMPLE_ACCOUNT, EXAMPLE_CUSTOMER, generateFixtures } from './fixtures.js';
import { handlers } from './handlers.js';
import { ACCOUNTS, Accounts, uuidOf, type AccountRecord } from './state.js';

export const pagonxt: ApiModule = {
  slug: 'pagonxt',
  title: 'PagoNxt Payments (OneTrade) Accounts API — Get account',
  // The provider's host is not public; its documentation writes it as {host}.
  providerBaseUrl: 'https://{host}',
  collections: {
    [ACCOUNTS]: {
      schema: 'AccountRecord',
      description: 'Real and virtual accounts of all customers, keyed by their uuid',
      keyOf: record => uuidOf(record as unknown as AccountRecord) ?? '',
    },
  },
  generateFixtures,
  handlers,
  renderProblem,
  beforeAdminWrite: (write, data) => (write.collection === ACCOUNTS ? new Accounts(data, () => write.now).beforeAdminWrite(write) : write.record),
  negotiateAccept: true,
  bodyLimit: 8192,
  uriLimit: 2048,
  tryIt(data) {
    const account = data.collection<AccountRecord>(ACCOUNTS).get(EXAMPLE_ACCOUNT);
    const headers = { 'x-client-id': '5f2b1c9e-8a4d-4e3b-9c7a-1d2e3f4a5b6c', authorization: 'Bearer test' };
    return account ? [{ method: 'GET', path: `/customers/${EXAMPLE_CUSTOMER}/accounts/${EXAMPLE_ACCOUNT}`, headers }] : [];
  },
};
