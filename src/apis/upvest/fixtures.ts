// Deterministic Upvest fixtures: users with reference accounts (every user that has accounts has
// at least two, so any one can be deleted), plus users with none. The first user and account are
// the provider's own examples, so the documentation's requests work as printed.
import { seededFaker } from '../../core/fixtures.js';
import type { StoredReferenceAccount, User } from './state.js';

const EXAMPLE_USER: User = {
  id: '83d83ec2-d2ca-49ff-bbea-b92b5c3be202',
  first_name: 'Max',
  last_name: 'Mustermann',
  created_at: '2020-08-20T09:00:00Z',
};

const EXAMPLE_ACCOUNT: StoredReferenceAccount = {
  id: 'c18f80bd-401e-4836-9776-7dc24c32d35e',
  created_at: '2020-08-24T14:15:22Z',
  updated_at: '2020-08-24T14:15:22Z',
  user_id: EXAMPLE_USER.id,
  account_owner: 'Max Mustermann',
  name: "Max's Reference Account",
  iban: 'DE02100500000054540402',
  bic: 'BELADEBE',
  confirmed_at: '2020-08-23T14:15:22Z',
};

const COUNTRIES = ['DE', 'DE', 'DE', 'AT', 'FR', 'NL', 'ES', 'IT'];
const USERS_WITH_ACCOUNTS = 10;
const USERS_WITHOUT_ACCOUNTS = 2;

const seconds = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

export function generateFixtures(seed: number) {
  const faker = seededFaker(seed);
  const users: Record<string, User> = { [EXAMPLE_USER.id]: EXAMPLE_USER };
  const referenceAccounts: Record<string, StoredReferenceAccount> = {};

  const addAccount = (user: User, index: number) => {
    const confirmed = faker.date.past({ years: 2 });
    const created = new Date(confirmed.getTime() + faker.number.int({ min: 60, max: 86_400 }) * 1000);
    const account: StoredReferenceAccount = {
      id: faker.string.uuid(),
      created_at: seconds(created),
      updated_at: seconds(created),
      user_id: user.id,
      account_owner: `${user.first_name} ${user.last_name}`,
      name: `${user.first_name}'s ${index === 0 ? 'salary' : faker.helpers.arrayElement(['savings', 'joint', 'household', 'travel'])} account`,
      iban: faker.finance.iban({ formatted: false, countryCode: faker.helpers.arrayElement(COUNTRIES) }),
      bic: faker.finance.bic(),
      confirmed_at: seconds(confirmed),
    };
    referenceAccounts[account.id] = account;
  };

  referenceAccounts[EXAMPLE_ACCOUNT.id] = EXAMPLE_ACCOUNT;
  addAccount(EXAMPLE_USER, 1);

  for (let i = 1; i < USERS_WITH_ACCOUNTS + USERS_WITHOUT_ACCOUNTS; i++) {
    const user: User = {
      id: faker.string.uuid(),
      first_name: faker.person.firstName(),
      last_name: faker.person.lastName(),
      created_at: seconds(faker.date.past({ years: 3 })),
    };
    users[user.id] = user;
    if (i < USERS_WITH_ACCOUNTS) {
      const count = faker.number.int({ min: 2, max: 5 });
      for (let n = 0; n < count; n++) addAccount(user, n);
    }
  }
  return { users, referenceAccounts, idempotencyKeys: {} };
}
