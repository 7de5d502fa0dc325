// PagoNxt accounts: how Get account finds an account, and the rules every stored account keeps
// (checked on writes through the admin data API), independent of HTTP.
import { isValidBBAN } from 'ibantools';
import { isValidIBAN } from '../../core/iban.js';
import type { AdminWrite } from '../../core/api-module.js';
import { HttpProblem, invalidField, problem } from '../../core/problem.js';
import type { ApiData, Collection } from '../../core/store.js';
import type { components } from '../../generated/pagonxt.js';

type Schemas = components['schemas'];

export type AccountIdType = Schemas['AccountIdType'];
export type ReconciliationModel = Schemas['ReconciliationModel'];
export type AccountIdentifier = Schemas['AccountIdentifier'];
export type RealAccountIdentifier = Schemas['RealAccountIdentifier'];
export type LegalEntity = Schemas['LegalEntity'];
export type Balances = Schemas['Balances'];
/** An account as stored, keyed by its uuid; virtual accounts have `realAccountIdentifiers`. */
export type AccountRecord = Schemas['AccountRecord'];
/** An account as Get account shows it: the record with its `_links`, made per request. */
export type Account = Schemas['Account'];

/** What Get account asks for: `accountId` is in the form `accountIdType` names (default uuid). */
export interface AccountLookup {
  customerId: string;
  accountId: string;
  accountIdType?: AccountIdType;
  country?: string;
}

export const ACCOUNTS = 'accounts';

/** The three formats of an account identifier, as the spec gives them. */
const FORMATS: Record<AccountIdType, { test(value: string): boolean; name: string }> = {
  uuid: lengthAndPattern(36, 36, /^[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}$/, 'a uuid'),
  iban: lengthAndPattern(15, 34, /^[A-Z]{2}[0-9A-Z\s]{17,32}$/, 'an IBAN'),
  bban: lengthAndPattern(11, 30, /^[0-9A-Z\s]{11,30}$/, 'a BBAN'),
};

function lengthAndPattern(min: number, max: number, pattern: RegExp, name: string) {
  return { name, test: (value: string) => value.length >= min && value.length <= max && pattern.test(value) };
}

/** ISO 20022 amounts: at most 18 digits, of which at most 5 decimals. */
const ISO_20022_AMOUNT = /^-?(?=(?:\d\.?){1,18}$)\d{1,18}(?:\.\d{1,5})?$/;
const ISO_4217 = new Set(Intl.supportedValuesOf('currency'));

/** The form identifiers are compared in: uuids in lower case, IBANs and BBANs without spaces. */
export function normalisedId(type: AccountIdType, value: string): string {
  return type === 'uuid' ? value.toLowerCase() : value.replace(/\s+/g, '');
}

/** The uuid an account is stored under. */
export function uuidOf(record: Pick<AccountRecord, 'accountIdentifiers'>): string | undefined {
  return record.accountIdentifiers.find(id => id.accountIdType === 'uuid')?.accountId.toLowerCase();
}

const toIdentifier = (id: RealAccountIdentifier): AccountIdentifier => ({
  accountId: id.realAccountId,
  accountIdType: id.realAccountIdType,
  country: id.country,
});

const timestamp = (date: Date) => date.toISOString();

export class Accounts {
  private readonly accounts: Collection<AccountRecord>;

  constructor(
    data: ApiData,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.accounts = data.collection<AccountRecord>(ACCOUNTS);
  }

  /**
   * The account of `customerId` that has the identifier asked for. BBANs need a country (they are
   * unique only within one); a country given with any type narrows the match to that country.
   * An IBAN or BBAN that cannot exist (wrong check digits) is a 422; no such account is a 404.
   */
  find({ customerId, accountId, accountIdType = 'uuid', country }: AccountLookup): AccountRecord {
    if (accountIdType === 'bban' && !country) {
      throw invalidField('query.country', 'is required with account_id_type bban', 'required');
    }
    const format = FORMATS[accountIdType];
    if (!format.test(accountId)) {
      throw invalidField('path.account_id', `must be ${format.name} when account_id_type is ${accountIdType}`, 'format');
    }
    const wanted = normalisedId(accountIdType, accountId);
    if (accountIdType === 'iban' && !isValidIBAN(wanted)) {
      throw problem('unprocessable', `account_id ${wanted} is not a valid IBAN - its check digits or national format are wrong`);
    }
    if (accountIdType === 'bban' && !isValidBBAN(wanted, country!)) {
      throw problem('unprocessable', `account_id ${wanted} is not a valid BBAN for country ${country}`);
    }
    const account = this.accounts
      .where('customerId', customerId)
      .find(record =>
        record.accountIdentifiers.some(
          id => id.accountIdType === accountIdType && normalisedId(accountIdType, id.accountId) === wanted && (!country || id.country === country),
        ),
      );
    if (!account) {
      throw problem('not_found', `customer ${customerId} has no account with ${accountIdType} ${wanted}${country ? ` in ${country}` : ''}`);
    }
    return account;
  }

  /** The account as Get account shows it, with its self link on this server (`baseUrl` is the API prefix). */
  present(record: AccountRecord, baseUrl: string): Account {
    const href = `${baseUrl}/customers/${encodeURIComponent(record.customerId)}/accounts/${uuidOf(record)}`;
    return { ...record, _links: { self: { href } } };
  }

  /**
   * The business rules of a write through the admin data API: returns the record to store, with
   * `updatedAt` stamped (and the balance's `lastChangeDateTime` when the balance changed), or throws
   * 422 for an account that breaks a rule and 409 for one that clashes with another account.
   */
  beforeAdminWrite(write: AdminWrite): AccountRecord | null {
    if (write.record === null) {
      const referring = this.virtualAccountsOf(write.key);
      if (referring.length) {
        throw problem('conflict', `account ${write.key} is the real account of virtual accounts ${referring.map(uuidOf).join(' ')} - delete them first`);
      }
      return null;
    }
    const previous = write.previous as AccountRecord | undefined;
    const record = this.normalise(write.record as unknown as AccountRecord, write.key);
    const now = write.now;
    const createdAt = previous?.createdAt ?? record.createdAt ?? timestamp(now);
    if (Date.parse(createdAt) > now.getTime()) throw unprocessable('createdAt', 'must not lie in the future');
    const balanceChanged =
      !previous ||
      previous.balances.available.amount.amount !== record.balances.available.amount.amount ||
      previous.balances.available.amount.currency !== record.balances.available.amount.currency;
    const stored: AccountRecord = {
      ...record,
      balances: {
        available: {
          ...record.balances.available,
          lastChangeDateTime: balanceChanged
            ? timestamp(now)
            : (record.balances.available.lastChangeDateTime ?? previous.balances.available.lastChangeDateTime),
        },
      },
      createdAt,
      updatedAt: timestamp(now),
    };

    this.checkUnique(stored, write.key);
    if (stored.realAccountIdentifiers) this.checkVirtual(stored, write.key);
    if (previous) {
      for (const virtual of this.virtualAccountsOf(write.key)) {
        try {
          this.checkVirtual(virtual, uuidOf(virtual)!, stored);
        } catch (error) {
          if (!(error instanceof HttpProblem)) throw error;
          throw problem('conflict', `virtual account ${uuidOf(virtual)} refers to this account - ${error.message}`);
        }
      }
    }
    return stored;
  }

  /** Checks one record on its own (formats, check digits, currencies, amounts); identifiers in their canonical form. */
  private normalise(record: AccountRecord, key: string): AccountRecord {
    if (!Array.isArray(record.accountIdentifiers) || !record.balances?.available?.amount) {
      throw unprocessable('accountIdentifiers', 'and balances.available.amount are required');
    }
    const accountIdentifiers = checkIdentifiers(record.accountIdentifiers, 'accountIdentifiers');
    if (uuidOf({ accountIdentifiers }) !== key) {
      throw unprocessable('accountIdentifiers', `must hold one uuid identifier equal to the record key ${key} in lower case`);
    }
    const realAccountIdentifiers = record.realAccountIdentifiers
      ? checkIdentifiers(record.realAccountIdentifiers.map(toIdentifier), 'realAccountIdentifiers').map(id => ({
          realAccountId: id.accountId,
          realAccountIdType: id.accountIdType,
          country: id.country,
        }))
      : undefined;
    const { amount, currency } = record.balances.available.amount;
    for (const [field, code] of [['baseCurrency', record.baseCurrency], ['balances.available.amount.currency', currency]] as const) {
      if (!ISO_4217.has(code)) throw unprocessable(field, `${code} is not an ISO 4217 currency`);
    }
    if (!Number.isFinite(amount) || !ISO_20022_AMOUNT.test(String(amount))) {
      throw unprocessable('balances.available.amount.amount', 'must have at most 18 digits of which at most 5 decimals');
    }
    return { ...record, accountIdentifiers, ...(realAccountIdentifiers ? { realAccountIdentifiers } : {}) };
  }

  /** No other account has the same IBAN, or the same BBAN in the same country. */
  private checkUnique(record: AccountRecord, key: string): void {
    const own = record.accountIdentifiers.filter(id => id.accountIdType !== 'uuid');
    if (!own.length) return;
    for (const [otherKey, other] of this.accounts.entries()) {
      if (otherKey === key) continue;
      const clash = own.find(id =>
        other.accountIdentifiers.some(o => o.accountIdType === id.accountIdType && o.country === id.country && normalisedId(o.accountIdType, o.accountId) === id.accountId),
      );
      if (clash) throw problem('conflict', `account ${otherKey} already has ${clash.accountIdType} ${clash.accountId}`);
    }
  }

  /**
   * A virtual account refers to an existing real account of the same customer by identifiers that
   * account has, shares its virtual account structure, has no reconciliation model of its own
   * (the real account's applies) and a supplementaryId unique among its real account's virtual accounts.
   */
  private checkVirtual(virtual: AccountRecord, key: string, realOverride?: AccountRecord): void {
    const refs = virtual.realAccountIdentifiers!.map(toIdentifier);
    const real = realOverride ?? this.resolve(refs);
    if (!real) throw unprocessable('realAccountIdentifiers', 'do not identify an existing account');
    const realKey = uuidOf(real)!;
    if (realKey === key) throw unprocessable('realAccountIdentifiers', 'must not identify the account itself');
    if (real.realAccountIdentifiers) throw unprocessable('realAccountIdentifiers', `identify ${realKey} which is itself a virtual account`);
    const mismatch = refs.find(ref => !real.accountIdentifiers.some(id => sameIdentifier(id, ref)));
    if (mismatch) throw unprocessable('realAccountIdentifiers', `name ${mismatch.accountIdType} ${mismatch.accountId} which account ${realKey} does not have`);
    if (real.customerId !== virtual.customerId) throw unprocessable('realAccountIdentifiers', `identify ${realKey} of another customer`);
    if (virtual.reconciliationModel) throw unprocessable('reconciliationModel', 'is only present in real accounts');
    if (!real.virtualAccountStructureId) throw unprocessable('realAccountIdentifiers', `identify ${realKey} which has no virtualAccountStructureId`);
    if (virtual.virtualAccountStructureId !== real.virtualAccountStructureId) {
      throw unprocessable('virtualAccountStructureId', `must be ${real.virtualAccountStructureId} as on real account ${realKey}`);
    }
    if (virtual.supplementaryId) {
      const clash = this.virtualAccountsOf(realKey).find(v => uuidOf(v) !== key && v.supplementaryId === virtual.supplementaryId);
      if (clash) throw problem('conflict', `supplementaryId ${virtual.supplementaryId} is already used by virtual account ${uuidOf(clash)}`);
    }
  }

  /** The account that has the first of these identifiers. */
  private resolve(refs: AccountIdentifier[]): AccountRecord | undefined {
    const [first] = refs;
    if (!first) return undefined;
    if (first.accountIdType === 'uuid') return this.accounts.get(first.accountId);
    return this.accounts.values().find(account => account.accountIdentifiers.some(id => sameIdentifier(id, first)));
  }

  /** Virtual accounts whose real account is the account stored under `key`. */
  private virtualAccountsOf(key: string): AccountRecord[] {
    const real = this.accounts.get(key);
    if (!real) return [];
    return this.accounts
      .where('customerId', real.customerId)
      .filter(v => v.realAccountIdentifiers && uuidOf(v) !== key && this.resolve(v.realAccountIdentifiers.map(toIdentifier)) === real);
  }
}

const sameIdentifier = (a: AccountIdentifier, b: AccountIdentifier) =>
  a.accountIdType === b.accountIdType && a.country === b.country && normalisedId(a.accountIdType, a.accountId) === normalisedId(b.accountIdType, b.accountId);

/**
 * Identifiers in canonical form, each checked: at most one per type, a value in its type's format,
 * an IBAN with valid check digits whose country is the identifier's, a BBAN valid for its country
 * and, next to an IBAN, the IBAN's own BBAN.
 */
function checkIdentifiers(identifiers: AccountIdentifier[], field: string): AccountIdentifier[] {
  const out = identifiers.map(id => ({ ...id, accountId: normalisedId(id.accountIdType, id.accountId) }));
  const byType = new Map<AccountIdType, AccountIdentifier>();
  for (const id of out) {
    if (byType.has(id.accountIdType)) throw unprocessable(field, `hold more than one ${id.accountIdType}`);
    byType.set(id.accountIdType, id);
    if (!FORMATS[id.accountIdType]?.test(id.accountId)) throw unprocessable(field, `hold ${id.accountId} which is not ${FORMATS[id.accountIdType]?.name ?? 'an identifier'}`);
  }
  const iban = byType.get('iban');
  const bban = byType.get('bban');
  if (iban && (!isValidIBAN(iban.accountId) || iban.accountId.slice(0, 2) !== iban.country)) {
    throw unprocessable(field, `hold IBAN ${iban.accountId} which is not a valid IBAN of ${iban.country}`);
  }
  if (bban && !isValidBBAN(bban.accountId, bban.country)) throw unprocessable(field, `hold BBAN ${bban.accountId} which is not a valid BBAN of ${bban.country}`);
  if (iban && bban && (iban.accountId.slice(4) !== bban.accountId || iban.country !== bban.country)) {
    throw unprocessable(field, `hold BBAN ${bban.accountId} which is not the BBAN of IBAN ${iban.accountId}`);
  }
  return out;
}

function unprocessable(field: string, message: string): HttpProblem {
  return problem('unprocessable', `${field} ${message}`, { fields: [{ field: `body.${field}`, message, rule: 'business' }] });
}
