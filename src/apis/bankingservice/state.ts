// bankingservice.ai customers: the business rules, independent of HTTP. Types and lengths are
// checked by Prism against the spec before a request gets here; this class keeps what a schema
// cannot say (profiles own their customers). The provider's page states no rule on the fields
// (all optional), so none refuses a customer.
import { randomIds, type IdSource } from '../../core/ids.js';
import type { AdminWrite } from '../../core/api-module.js';
import { HttpProblem, invalidField, problem } from '../../core/problem.js';
import type { ApiData, Collection } from '../../core/store.js';
import type { components } from '../../generated/bankingservice.js';

type Schemas = components['schemas'];

export type Address = Schemas['Address'];
/** The writable fields of a customer, as POST and PUT take them. */
export type CustomerInput = Schemas['CustomerInput'];
export type Customer = Schemas['Customer'];
/** A customer as stored: with the profile it belongs to. */
export type StoredCustomer = Schemas['CustomerRecord'];
/** A profile of the partner (sandbox only: the profiles API is not part of this page). */
export type Profile = Schemas['ProfileRecord'];

export interface PageOptions {
  /** 0-based. */
  page: number;
  size: number;
}

export type CustomerPage = Schemas['CustomerPage'];

const ADDRESS_FIELDS = ['premise', 'sub_premise', 'building', 'postal_code', 'thoroughfare', 'locality', 'state', 'country'] as const;
const WRITABLE_FIELDS = ['company', 'first_name', 'last_name', 'email', 'phone'] as const;
/** A new id with the provider's prefix: `customer_` and 24 hex digits. */
export function newId(prefix: 'customer' | 'profile', ids: IdSource = randomIds): string {
  return `${prefix}_${ids.hex(12)}`;
}

/** The writable fields in the documented order, without the ones not given. */
function writable(input: CustomerInput): CustomerInput {
  const fields: CustomerInput = {};
  for (const field of WRITABLE_FIELDS) if (input[field] !== undefined) fields[field] = input[field];
  if (input.address !== undefined) {
    const address: Record<string, unknown> = {};
    for (const field of ADDRESS_FIELDS) if (input.address[field] !== undefined) address[field] = input.address[field];
    fields.address = address as Address;
  }
  return fields;
}

/** The customer as the API shows it: documented fields in documented order, no `profile_id`. */
export function present(customer: StoredCustomer): Customer {
  return { id: customer.id, ...writable(customer), created: customer.created };
}

export class Customers {
  private readonly profiles: Collection<Profile>;
  private readonly customers: Collection<StoredCustomer>;

  constructor(
    data: ApiData,
    private readonly now: () => Date = () => new Date(),
    private readonly ids: IdSource = randomIds,
  ) {
    this.profiles = data.collection<Profile>('profiles');
    this.customers = data.collection<StoredCustomer>('customers');
  }

  /**
   * One page of the profile's customers, newest first (`created`, then `id`, descending). A profile
   * that does not exist has none: the provider documents no status but 200 for the list.
   */
  list(profileId: string, { page, size }: PageOptions): CustomerPage {
    const all = newestFirst(this.customers.where('profile_id', profileId));
    const start = page * size;
    return {
      page,
      pages: Math.ceil(all.length / size),
      size,
      count: all.length,
      data: start < all.length ? all.slice(start, start + size).map(present) : [],
    };
  }

  get(profileId: string, customerId: string): Customer {
    return present(this.requireCustomer(profileId, customerId, 404));
  }

  /** Creates a customer; in a profile that does not exist, a 400 (the operation documents no 404). */
  create(profileId: string, input: CustomerInput): Customer {
    this.requireProfile(profileId, 400);
    const customer: StoredCustomer = { id: newId('customer', this.ids), profile_id: profileId, ...writable(input), created: this.now().toISOString() };
    void this.customers.put(customer.id, customer);
    return present(customer);
  }

  /** Replaces every writable field: one left out of `input` is removed. `id` and `created` stay. */
  replace(profileId: string, customerId: string, input: CustomerInput): Customer {
    const current = this.requireCustomer(profileId, customerId, 400);
    const customer: StoredCustomer = { id: current.id, profile_id: current.profile_id, ...writable(input), created: current.created };
    void this.customers.put(customer.id, customer);
    return present(customer);
  }

  /** Deletes the customer and returns it as it was. */
  delete(profileId: string, customerId: string): Customer {
    const customer = this.requireCustomer(profileId, customerId, 400);
    this.customers.remove(customer.id);
    return present(customer);
  }

  /**
   * The rules for a record written through the admin data API: a customer must belong to an
   * existing profile; a profile that still has customers stays.
   */
  checkAdminWrite(write: AdminWrite): object | null {
    if (write.collection === 'customers' && write.record) {
      const customer = write.record as unknown as StoredCustomer;
      if (!this.profiles.has(customer.profile_id)) {
        throw invalidField('body.profile_id', `"${customer.profile_id}" is not a profile of this sandbox`, 'profile');
      }
    }
    if (write.collection === 'profiles' && !write.record) {
      const count = this.customers.where('profile_id', write.key).length;
      if (count) throw problem('conflict', `profile ${write.key} still has ${count} customer(s): delete them first`);
    }
    return write.record;
  }

  /**
   * The profile, or a `not_found` problem with the status the operation documents for it: 404 where
   * the provider documents one (get), else 400 (post, put, delete document 200 and 400 only).
   */
  private requireProfile(profileId: string, status: NotFoundStatus): Profile {
    const profile = this.profiles.get(profileId);
    if (!profile) throw notFound(status, `profile ${profileId} not found`);
    return profile;
  }

  /** The customer, if it belongs to this profile: another profile's customer is not found. */
  private requireCustomer(profileId: string, customerId: string, status: NotFoundStatus): StoredCustomer {
    this.requireProfile(profileId, status);
    const customer = this.customers.get(customerId);
    if (!customer || customer.profile_id !== profileId) throw notFound(status, `customer ${customerId} not found in profile ${profileId}`);
    return customer;
  }
}

type NotFoundStatus = 400 | 404;

const notFound = (status: NotFoundStatus, message: string) => new HttpProblem(status, 'not_found', message);

/** `created` descending, then `id` descending; timestamps compare as instants, whatever their precision. */
function newestFirst(customers: StoredCustomer[]): StoredCustomer[] {
  return customers
    .map(customer => ({ customer, time: Date.parse(customer.created) }))
    .sort((a, b) => b.time - a.time || (a.customer.id < b.customer.id ? 1 : a.customer.id > b.customer.id ? -1 : 0))
    .map(({ customer }) => customer);
}
