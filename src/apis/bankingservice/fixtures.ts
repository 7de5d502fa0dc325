// Deterministic bankingservice.ai fixtures: three profiles — one with 45 customers (three pages
// of 20), one with a few, one with none — holding companies and private persons with Dutch
// addresses. The profiles and two customers have fixed ids (every seed), so the README's and the
// spec's examples work as printed; the first customer is the provider's example, filled in.
import { FIXTURE_REFERENCE_DATE, seededFaker } from '../../core/fixtures.js';
import type { Address, Profile, StoredCustomer } from './state.js';

export const BUSY_PROFILE: Profile = { id: 'profile_5c2e9a71d04b8f36a1e7c9d2', name: 'Webwinkel Hoofddorp', created: '2023-03-14T09:30:00.000Z' };
export const SMALL_PROFILE: Profile = { id: 'profile_b83f0d6e2a9c4175e6d3b0a8', name: 'Fietsenmakerij Utrecht', created: '2024-02-01T08:00:00.000Z' };
export const EMPTY_PROFILE: Profile = { id: 'profile_0e47c1b95f2d8a63c7b1e4f0', name: 'Nieuw profiel', created: '2026-10-20T15:45:00.000Z' };

/** The provider's example customer, its "text" placeholders filled in. */
export const EXAMPLE_CUSTOMER: StoredCustomer = {
  id: 'customer_3a9f5e1c7b2d4086f1e8a5c3',
  profile_id: BUSY_PROFILE.id,
  company: 'Taurus Logistiek B.V.',
  first_name: 'John',
  last_name: 'Doe',
  email: 'john.doe@gmail.com',
  phone: '318000201068',
  address: {
    premise: 58,
    sub_premise: 'A',
    building: 'Taurus Huis',
    postal_code: '2132 LS',
    thoroughfare: 'Taurusavenue',
    locality: 'Hoofddorp',
    state: 'Noord-Holland',
    country: 'NL',
  },
  created: '2024-09-25T12:01:00.103Z',
};

/** A private person of the small profile (so another profile's customer can be shown to be a 404). */
export const SMALL_PROFILE_CUSTOMER: StoredCustomer = {
  id: 'customer_7d2b8e4f1a6c3095b2e7d4a1',
  profile_id: SMALL_PROFILE.id,
  first_name: 'Sanne',
  last_name: 'de Vries',
  email: 'sanne.devries@example.nl',
  phone: '31612345678',
  address: { premise: 12, postal_code: '3511 AB', thoroughfare: 'Oudegracht', locality: 'Utrecht', state: 'Utrecht', country: 'NL' },
  created: '2024-05-06T10:15:42.250Z',
};

const GENERATED_CUSTOMERS: Array<[Profile, number]> = [
  [BUSY_PROFILE, 44],
  [SMALL_PROFILE, 5],
];
const AREA_CODES = ['10', '13', '15', '20', '23', '24', '26', '30', '35', '38', '40', '43', '45', '50', '53', '55', '58', '70', '71', '73', '76', '79'];
const SUB_PREMISES = ['A', 'B', 'C', 'bis', 'I', 'II', 'III', 'hs', '1', '2'];
const BUILDINGS = ['Het Atrium', 'De Toren', 'Bedrijvenhuis Noord', 'Unit 4', 'Gebouw Zuid'];

/** Letters and digits only, for e-mail addresses and domains (faker's Dutch names carry accents). */
const ascii = (text: string) => text.normalize('NFD').replace(/[^A-Za-z0-9]/g, '').toLowerCase();

export function generateFixtures(seed: number) {
  const faker = seededFaker(seed, ['nl']);
  const profiles: Record<string, Profile> = {};
  for (const profile of [BUSY_PROFILE, SMALL_PROFILE, EMPTY_PROFILE]) profiles[profile.id] = profile;
  const customers: Record<string, StoredCustomer> = {
    [EXAMPLE_CUSTOMER.id]: EXAMPLE_CUSTOMER,
    [SMALL_PROFILE_CUSTOMER.id]: SMALL_PROFILE_CUSTOMER,
  };

  const phone = () =>
    faker.datatype.boolean({ probability: 0.6 })
      ? `316${faker.string.numeric(8)}`
      : (area => `31${area}${faker.string.numeric(9 - area.length)}`)(faker.helpers.arrayElement(AREA_CODES));

  const address = (isCompany: boolean): Address => ({
    premise: faker.number.int({ min: 1, max: 350 }),
    ...(faker.datatype.boolean({ probability: 0.25 }) ? { sub_premise: faker.helpers.arrayElement(SUB_PREMISES) } : {}),
    ...(isCompany && faker.datatype.boolean({ probability: 0.3 }) ? { building: faker.helpers.arrayElement(BUILDINGS) } : {}),
    postal_code: faker.location.zipCode(),
    thoroughfare: faker.location.street(),
    locality: faker.location.city(),
    state: faker.location.state(),
    country: 'NL',
  });

  for (const [profile, count] of GENERATED_CUSTOMERS) {
    for (let i = 0; i < count; i++) {
      const isCompany = faker.datatype.boolean({ probability: 0.35 });
      const firstName = faker.person.firstName();
      const lastName = faker.person.lastName();
      const company = isCompany ? faker.company.name() : undefined;
      const hasContact = !isCompany || faker.datatype.boolean({ probability: 0.7 });
      const provider = company ? `${ascii(company)}.nl` : faker.helpers.arrayElement(['gmail.com', 'hotmail.nl', 'ziggo.nl', 'kpnmail.nl', 'outlook.com']);
      const created = faker.date.between({ from: profile.created, to: new Date(FIXTURE_REFERENCE_DATE.getTime() - 86_400_000) });
      const customer: StoredCustomer = {
        id: `customer_${faker.string.hexadecimal({ length: 24, casing: 'lower', prefix: '' })}`,
        profile_id: profile.id,
        ...(company ? { company } : {}),
        ...(hasContact ? { first_name: firstName, last_name: lastName } : {}),
        ...(faker.datatype.boolean({ probability: 0.9 }) ? { email: `${hasContact ? `${ascii(firstName)}.${ascii(lastName)}` : 'info'}@${provider}` } : {}),
        ...(faker.datatype.boolean({ probability: 0.8 }) ? { phone: phone() } : {}),
        ...(faker.datatype.boolean({ probability: 0.9 }) ? { address: address(isCompany) } : {}),
        created: created.toISOString(),
      };
      customers[customer.id] = customer;
    }
  }
  completeNewest(customers, BUSY_PROFILE.id);
  return { profiles, customers };
}

/**
 * The newest customer of a profile, which heads the first page of its list, gets every documented
 * field (filled without faker, so the rest of the data stays as generated): the provider's list
 * example shows them all.
 */
function completeNewest(customers: Record<string, StoredCustomer>, profileId: string): void {
  const newest = Object.values(customers)
    .filter(c => c.profile_id === profileId)
    .sort((a, b) => (a.created < b.created ? 1 : -1))[0];
  const firstName = newest.first_name ?? 'Anna';
  const lastName = newest.last_name ?? 'de Boer';
  const address = newest.address ?? { premise: 1, postal_code: '2132 LS', thoroughfare: 'Taurusavenue', locality: 'Hoofddorp', state: 'Noord-Holland', country: 'NL' };
  customers[newest.id] = {
    ...newest,
    company: newest.company ?? `${lastName} Holding B.V.`,
    first_name: firstName,
    last_name: lastName,
    email: newest.email ?? `${ascii(firstName)}.${ascii(lastName)}@example.nl`,
    phone: newest.phone ?? '318000201068',
    address: { ...address, sub_premise: address.sub_premise ?? 'A', building: address.building ?? BUILDINGS[0] },
  };
}
