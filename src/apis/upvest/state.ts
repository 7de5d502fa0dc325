// Upvest reference accounts: the business rules, independent of HTTP.
import { hash } from 'node:crypto';
import { isValidIBAN } from '../../core/iban.js';
import { randomIds, type IdSource } from '../../core/ids.js';
import type { AdminWrite } from '../../core/api-module.js';
import type { ApiData, Collection } from '../../core/store.js';
import { invalidField, problem } from '../../core/problem.js';
import type { components } from '../../generated/upvest.js';

type Schemas = components['schemas'];

/** A user as the sandbox stores it (the users API is not part of this page). */
export type User = Schemas['UserRecord'];
/** A stored reference account; `iban` is kept whole and masked in every response. */
export type StoredReferenceAccount = Schemas['ReferenceAccountRecord'];
/** An account as the API shows it: the IBAN masked, `name` always present. */
export type ReferenceAccount = Schemas['ReferenceAccount'];
export type CreateReferenceAccount = Schemas['ReferenceAccountCreateRequest'];
/** A remembered create, so a retry with the same idempotency key replays it. */
export type IdempotentCreate = Schemas['IdempotencyRecord'];
export type ListPage = Schemas['ReferenceAccountList'];
type Meta = ListPage['meta'];

export interface ListOptions {
  sort: NonNullable<Meta['sort']>;
  order: NonNullable<Meta['order']>;
  offset: number;
  limit: number;
}

/** `DE02100500000054540402` → `DE0210**********0402`: first 6 characters, 10 `*`, last 4. */
export function maskIban(iban: string): string {
  return `${iban.slice(0, 6)}**********${iban.slice(-4)}`;
}


/** The account as the API shows it: the IBAN masked, `name` always present (empty when never given). */
export function present(account: StoredReferenceAccount): ReferenceAccount {
  return { ...account, name: account.name ?? '', iban: maskIban(account.iban) };
}

/**
 * SHA-256 of canonical JSON (sorted keys), so equal bodies hash equally whatever their key order.
 * Stored with idempotency records: the text must stay byte for byte what it has been (see
 * canonicalJson).
 */
export function canonicalHash(value: unknown): string {
  return hash('sha256', canonicalJson(value) ?? '', 'hex');
}

/**
 * `JSON.stringify(canonical(value))`, where `canonical` rebuilds every object with its keys sorted
 * (as `Object.fromEntries(Object.keys(v).sort().map(…))` would: the rebuilt objects list
 * integer-like keys first, in numeric order, as every JS object does, then the others sorted;
 * JSON.stringify leaves out undefined values of objects and writes null for those of arrays).
 * Undefined for undefined. The copies are cheap: one JSON.stringify of them took about 0.6 times
 * the time of writing the text in one pass by hand (string by string), on a create's body.
 */
export function canonicalJson(value: unknown): string | undefined {
  return JSON.stringify(canonical(value));
}

function canonical(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(canonical);
  const record = value as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(record).sort()) {
    // An own property named __proto__, as Object.fromEntries makes it (an assignment would set the prototype).
    if (key === '__proto__') Object.defineProperty(copy, key, { value: canonical(record[key]), enumerable: true, writable: true, configurable: true });
    else copy[key] = canonical(record[key]);
  }
  return copy;
}

/** How long a create is remembered under its idempotency key (as Stripe does). */
export const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;
/** Idempotency records a sandbox keeps at most (a record is ~0.5 KB). */
export const MAX_IDEMPOTENCY_RECORDS = 1000;

export class ReferenceAccounts {
  private readonly users: Collection<User>;
  private readonly accounts: Collection<StoredReferenceAccount>;
  private readonly idempotency: Collection<IdempotentCreate>;

  constructor(
    data: ApiData,
    private readonly now: () => Date = () => new Date(),
    private readonly ids: IdSource = randomIds,
  ) {
    this.users = data.collection<User>('users');
    this.accounts = data.collection<StoredReferenceAccount>('referenceAccounts');
    this.idempotency = data.collection<IdempotentCreate>('idempotencyKeys');
  }

  list(userId: string, options: ListOptions): ListPage {
    this.requireUser(userId);
    const direction = options.order === 'DESC' ? -1 : 1;
    const key = options.sort;
    const all = this.accounts
      .where('user_id', userId)
      .sort((a, b) => direction * (a[key] < b[key] ? -1 : a[key] > b[key] ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const data = all.slice(options.offset, options.offset + options.limit).map(present);
    return {
      meta: { offset: options.offset, limit: options.limit, count: data.length, total_count: all.length, sort: options.sort, order: options.order },
      data,
    };
  }

  get(id: string): ReferenceAccount {
    return present(this.requireAccount(id));
  }

  /**
   * Creates a reference account. With an idempotency key already used for the same body, replays
   * the first response instead; with the same key and another body, refuses (422). Without
   * `user_id` (optional in Upvest's spec) the account is the API client's own: its `user_id` is the
   * `upvest-client-id`, and that client becomes a user of the sandbox. The same IBAN may be
   * registered more than once: no Upvest document forbids it.
   */
  create(input: CreateReferenceAccount, idempotency: { clientId: string; key: string }): { account: ReferenceAccount; replayed: boolean } {
    const idempotencyKey = `${idempotency.clientId}:${idempotency.key}`;
    const requestHash = canonicalHash(input);
    // The sandbox's time, read once: for the records' expiry and the new records' timestamps.
    const now = this.now();
    this.forgetOldIdempotencyRecords(now);
    const earlier = this.idempotency.get(idempotencyKey);
    if (earlier && !this.expired(earlier, now)) {
      if (earlier.request_hash !== requestHash) {
        throw problem('unprocessable', `idempotency-key ${idempotency.key} was already used with a different request body`);
      }
      return { account: earlier.body, replayed: true };
    }

    if (input.user_id) this.requireUser(input.user_id);
    if (!isValidIBAN(input.iban)) throw invalidField('body.iban', 'is not a valid IBAN (country format, length or check digits)');

    const timestamp = now.toISOString();
    const userId = input.user_id ?? this.clientUser(idempotency.clientId, timestamp);
    const account: StoredReferenceAccount = {
      id: this.ids.uuid(),
      created_at: timestamp,
      updated_at: timestamp,
      user_id: userId,
      account_owner: input.account_owner,
      name: input.name ?? '',
      iban: input.iban,
      bic: input.bic,
      confirmed_at: input.confirmed_at,
    };
    void this.accounts.put(account.id, account);
    const shown = present(account);
    void this.idempotency.put(idempotencyKey, { request_hash: requestHash, status: 200, body: shown, created_at: timestamp });
    return { account: shown, replayed: false };
  }

  private expired(record: IdempotentCreate, now: Date): boolean {
    return now.getTime() - Date.parse(record.created_at) >= IDEMPOTENCY_TTL_MS;
  }

  /**
   * Idempotency records expire after 24 hours (a replay after that is a fresh request), and a
   * sandbox keeps at most MAX_IDEMPOTENCY_RECORDS: the oldest go first. Records are kept in the
   * order they were made and read oldest first, lazily, so this looks at the oldest few only (not
   * at every key).
   */
  private forgetOldIdempotencyRecords(now: Date): void {
    let excess = -1;
    for (const [key, record] of this.idempotency.oldestFirst()) {
      if (excess === -1) excess = Math.max(0, this.idempotency.size - MAX_IDEMPOTENCY_RECORDS + 1);
      if (excess > 0) excess--;
      else if (!this.expired(record, now)) break;
      this.idempotency.remove(key);
    }
  }

  /** Deletes an account; a user's last reference account cannot be deleted. */
  delete(id: string): void {
    this.requireDeletable(id);
    this.accounts.remove(id);
  }

  /**
   * The rules for records written through the sandbox's admin API: an account's user must exist,
   * its IBAN must have valid check digits; a user's last account and a
   * user who still has accounts cannot be deleted. A changed account gets a new `updated_at`.
   */
  checkAdminWrite(write: AdminWrite): object | null {
    const { collection, key, record, previous } = write;
    if (collection === 'users' && !record && this.accounts.where('user_id', key).length) {
      throw problem('conflict', `user ${key} still has reference accounts; delete them first`);
    }
    if (collection !== 'referenceAccounts') return record;
    if (!record) {
      this.requireDeletable(key);
      return null;
    }
    const account = record as unknown as StoredReferenceAccount;
    if (!this.users.has(account.user_id)) throw problem('unprocessable', `user ${account.user_id} does not exist; add the user first`);
    if (!isValidIBAN(account.iban)) throw invalidField('body.iban', 'is not a valid IBAN (country format, length or check digits)');
    if (previous && previous.updated_at === account.updated_at) return { ...account, updated_at: write.now.toISOString() };
    return account;
  }

  private requireDeletable(id: string): void {
    const account = this.requireAccount(id);
    if (this.accounts.where('user_id', account.user_id).length <= 1) {
      throw problem('conflict', `reference account ${id} is the last one of user ${account.user_id} and cannot be deleted`);
    }
  }

  /** The user standing for the API client itself (for creates without `user_id`), added on first use. */
  private clientUser(clientId: string, timestamp: string): string {
    if (!this.users.has(clientId)) void this.users.put(clientId, { id: clientId, first_name: 'API', last_name: 'client', created_at: timestamp });
    return clientId;
  }

  private requireUser(id: string): User {
    const user = this.users.get(id);
    if (!user) throw problem('not_found', `user ${id} not found`);
    return user;
  }

  private requireAccount(id: string): StoredReferenceAccount {
    const account = this.accounts.get(id);
    if (!account) throw problem('not_found', `reference account ${id} not found`);
    return account;
  }
}
