// The "app under test" of the examples: a tiny client of Upvest's reference accounts API, as your
// own code would be. It only knows a base URL and some headers; the tests point it at the sandbox.
export class ReferenceAccounts {
  constructor(baseUrl, headers = {}) {
    this.baseUrl = baseUrl;
    this.headers = { 'upvest-client-id': '8c8d2e1f-3b4a-4c5d-9e6f-7a8b9c0d1e2f', authorization: 'Bearer test', ...headers };
  }

  async create(userId, iban, name) {
    const res = await fetch(`${this.baseUrl}/payments/reference_accounts`, {
      method: 'POST',
      headers: { ...this.headers, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
      body: JSON.stringify({ user_id: userId, account_owner: 'Max Mustermann', name, iban, bic: 'COBADEFFXXX', confirmed_at: '2026-11-20T09:00:00Z' }),
    });
    if (!res.ok) throw new Error(`create failed: ${res.status} ${await res.text()}`);
    return res.json();
  }

  async remove(id) {
    const res = await fetch(`${this.baseUrl}/payments/reference_accounts/${id}`, { method: 'DELETE', headers: this.headers });
    return res.status;
  }
}

export const MAX = '83d83ec2-d2ca-49ff-bbea-b92b5c3be202';
export const NO_SUCH_ACCOUNT = '0f0e0d0c-0b0a-4908-8706-050403020100';
