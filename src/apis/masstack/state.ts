// MasStack accounts: the business rules, independent of HTTP. Every read and write is scoped to
// one organization: another organization's customers and accounts do not exist here.
import type { TimelineEntry } from '../../core/clock.js';
import { randomIds, type IdSource } from '../../core/ids.js';
import { ValidationErrorsIBAN, validateIBAN } from 'ibantools';
import type { AdminWrite } from '../../core/api-module.js';
import { invalidField, problem, type FieldProblem } from '../../core/problem.js';
import type { ApiData, Collection } from '../../core/store.js';
import type { components } from '../../generated/masstack.js';
import { fieldProblems, mcusProblem, type McusFieldRule } from './errors.js';

type Schemas = components['schemas'];

export type Modality = Schemas['Modality'];
export type PaymentType = Schemas['PatchPaymentType'];
export type PaymentDetail = keyof NonNullable<Schemas['PaymentDetails']>;
export type PaymentMethod = Schemas['PaymentMethod'];
export type BillingAddress = Schemas['BillingAddress'];
export type InvoiceCycle = Schemas['InvoiceCycle'];
export type PendingCharges = Schemas['PendingCharges'];
/** An account as the API shows it (`GetAccount`). */
export type Account = Schemas['GetAccount'];
/** An account as stored: with the organization it belongs to. */
export type StoredAccount = Schemas['AccountRecord'];
export type Customer = Schemas['CustomerRecord'];
export type Organization = Schemas['OrganizationRecord'];
/** The body of a create (`PostAccount`). */
export type NewAccount = Schemas['PostAccount'];
export type AvailablePaymentMethods = Schemas['AvailablePaymentMethods'];

/** Every payment method type: the provider restricts none of them by modality. */
export const PAYMENT_TYPES: readonly PaymentType[] = ['DIRECT_DEBIT', 'BANK_TRANSFER', 'CREDIT_CARD', 'TECI'];

/**
 * The `details` each payment method type requires (the provider: "iban is mandatory when type is
 * DIRECT_DEBIT, token_id is mandatory when type is CREDIT_CARD"). Other details are accepted and
 * kept: the provider's own example sends an `iban` with `BANK_TRANSFER`.
 */
export const REQUIRED_DETAILS: Readonly<Record<PaymentType, readonly PaymentDetail[]>> = {
  DIRECT_DEBIT: ['iban'],
  CREDIT_CARD: ['token_id'],
  BANK_TRANSFER: [],
  TECI: [],
};

const IBAN_PROBLEMS: Partial<Record<ValidationErrorsIBAN, string>> = {
  [ValidationErrorsIBAN.NoIBANCountry]: 'does not start with a known IBAN country code',
  [ValidationErrorsIBAN.WrongBBANLength]: 'has the wrong length for its country',
  [ValidationErrorsIBAN.WrongBBANFormat]: 'does not match the account number format of its country',
  [ValidationErrorsIBAN.ChecksumNotNumber]: 'has check digits that are not numbers',
  [ValidationErrorsIBAN.WrongIBANChecksum]: 'has invalid check digits',
  [ValidationErrorsIBAN.WrongAccountBankBranchChecksum]: 'has invalid national check digits',
};

/** Why an IBAN is not valid (country, length, format, check digits), or undefined when it is. */
export function ibanProblem(iban: string): string | undefined {
  const { valid, errorCodes } = validateIBAN(iban);
  if (valid) return undefined;
  const first = [...errorCodes].sort((a, b) => a - b)[0];
  return IBAN_PROBLEMS[first] ?? 'is not a valid IBAN';
}

/** The invoice cycle of a new account: postpaid in arrears on day 1, prepaid in advance on its creation day (≤ 28). */
export function invoiceCycleFor(modality: Modality, created: Date): InvoiceCycle {
  const day = modality === 'POSTPAID' ? 1 : Math.min(created.getUTCDate(), 28);
  return { name: `CYCLE_${String(day).padStart(2, '0')}`, day, type: modality === 'POSTPAID' ? 'ARREARS' : 'ADVANCE', frequency: 'MONTHLY' };
}

const NO_PENDING_CHARGES: PendingCharges = { count: 0, amount: '0.00', currency: 'EUR' };

/** Address text compared ignoring case and surrounding or repeated spaces. */
const normalized = (text: string | undefined) => (text ?? '').trim().replace(/\s+/g, ' ').toLowerCase();

function sameAddress(a: BillingAddress | undefined, b: BillingAddress | undefined): boolean {
  if (!a || !b) return !a && !b;
  return (
    a.address_lines.length === b.address_lines.length &&
    a.address_lines.every((line, i) => normalized(line) === normalized(b.address_lines[i])) &&
    (['postal_code', 'city', 'province', 'country'] as const).every(k => normalized(a[k]) === normalized(b[k]))
  );
}

function samePaymentMethod(a: PaymentMethod, b: PaymentMethod): boolean {
  return a.type === b.type && a.details?.iban === b.details?.iban && a.details?.token_id === b.details?.token_id;
}

/** The account as the API shows it: without `org_id`. */
export function present({ org_id: _org, ...account }: StoredAccount): Account {
  return account;
}

export class Accounts {
  private readonly organizations: Collection<Organization>;
  private readonly customers: Collection<Customer>;
  private readonly accounts: Collection<StoredAccount>;

  constructor(
    data: ApiData,
    private readonly orgId: string,
    private readonly now: () => Date = () => new Date(),
    private readonly ids: IdSource = randomIds,
  ) {
    this.organizations = data.collection<Organization>('organizations');
    this.customers = data.collection<Customer>('customers');
    this.accounts = data.collection<StoredAccount>('accounts');
  }

  get(accountId: string): Account {
    return present(this.requireAccount(accountId));
  }

  /**
   * Time passing (inferred): on its invoice cycle's day of the month, an account's pending charges
   * are invoiced — they drop to none and `updated_at` moves to that day — so it can then be deleted.
   * Runs over every organization's accounts.
   */
  invoiceCycleDay(day: string): TimelineEntry[] {
    const dayOfMonth = Number(day.slice(8, 10));
    const entries: TimelineEntry[] = [];
    for (const account of this.accounts.values()) {
      if (account.pending_charges.count === 0 || account.invoice.cycle.day !== dayOfMonth) continue;
      const { count, amount, currency } = account.pending_charges;
      void this.accounts.put(account.id, { ...account, pending_charges: { count: 0, amount: '0.00', currency }, updated_at: this.now().toISOString() });
      entries.push({
        kind: 'invoice',
        summary: `${count} pending charge(s) of ${amount} ${currency} on account ${account.id} invoiced (${account.invoice.cycle.name})`,
        path: `/orgs/${account.org_id}/accounts/${account.id}`,
      });
    }
    return entries;
  }

  /** The ids of a customer's accounts, oldest first. */
  listIds(customerId: string): string[] {
    this.requireCustomer(customerId);
    return this.accountsOf(customerId).map(a => a.id);
  }

  /** Creates an account; refuses a duplicate of one of the customer's accounts (same modality, payment method and address). */
  create(customerId: string, input: NewAccount): Account {
    this.requireCustomer(customerId);
    const problems = [
      ...paymentMethodProblems(input.payment_method, 'payment_method.'),
      ...addressProblems(input.billing_address),
    ];
    if (problems.length) throw fieldProblems(problems);
    const paymentMethod = canonicalPaymentMethod(input.payment_method);
    const duplicate = this.accountsOf(customerId).find(
      a => a.modality === input.modality && samePaymentMethod(a.payment_method, paymentMethod) && sameAddress(a.billing_address, input.billing_address),
    );
    if (duplicate) {
      throw mcusProblem(
        'duplicate_account',
        `customer ${customerId} already has account ${duplicate.id} with the same modality, payment method and billing address`,
      );
    }
    const created = this.now();
    const timestamp = created.toISOString();
    const account: StoredAccount = {
      id: this.ids.uuid(),
      org_id: this.orgId,
      customer_id: customerId,
      modality: input.modality,
      payment_method: paymentMethod,
      ...(input.billing_address ? { billing_address: input.billing_address } : {}),
      invoice: { cycle: invoiceCycleFor(input.modality, created) },
      pending_charges: NO_PENDING_CHARGES,
      created_at: timestamp,
      updated_at: timestamp,
    };
    void this.accounts.put(account.id, account);
    return present(account);
  }

  /** Replaces an account's payment method, which must carry the details its type requires. */
  changePaymentMethod(accountId: string, method: PaymentMethod): void {
    const account = this.requireAccount(accountId);
    const problems = paymentMethodProblems(method, '');
    if (problems.length) throw fieldProblems(problems);
    void this.accounts.put(account.id, { ...account, payment_method: canonicalPaymentMethod(method), updated_at: this.now().toISOString() });
  }

  /** Deletes a customer's account; not one with pending charges, nor the customer's only account. */
  delete(customerId: string, accountId: string): void {
    this.requireCustomer(customerId);
    const account = this.requireAccount(accountId, customerId);
    if (account.pending_charges.count > 0) {
      throw mcusProblem(
        'pending_charges',
        `account ${accountId} has ${account.pending_charges.count} pending charge(s) of ${account.pending_charges.amount} ${account.pending_charges.currency} and cannot be deleted`,
      );
    }
    if (this.accountsOf(customerId).length <= 1) {
      throw mcusProblem('only_account', `account ${accountId} is the only account of customer ${customerId} and cannot be deleted`);
    }
    this.accounts.remove(accountId);
  }

  /** The payment method types a customer's account may use: every type, whatever its modality. */
  availablePaymentMethods(customerId: string, accountId: string): AvailablePaymentMethods {
    this.requireCustomer(customerId);
    const account = this.requireAccount(accountId, customerId);
    return {
      account_id: account.id,
      modality: account.modality,
      current: account.payment_method.type,
      payment_methods: PAYMENT_TYPES.map(type => ({ type, required_details: [...REQUIRED_DETAILS[type]] })),
    };
  }

  /**
   * Checks an account written through the admin data API (it has already passed its schema): it
   * belongs to a customer of this organization and its payment method has the details its type requires.
   * Returns it with `updated_at` stamped.
   */
  checkStored(account: StoredAccount): StoredAccount {
    if (!this.organizations.has(this.orgId)) throw invalidField('org_id', `organization ${this.orgId} does not exist`);
    const customer = this.customers.get(account.customer_id);
    if (!customer || customer.org_id !== this.orgId) throw invalidField('customer_id', `customer ${account.customer_id} does not exist in organization ${this.orgId}`);
    const problems = [...paymentMethodProblems(account.payment_method, 'payment_method.'), ...addressProblems(account.billing_address)];
    if (problems.length) throw fieldProblems(problems);
    return { ...account, payment_method: canonicalPaymentMethod(account.payment_method), updated_at: this.now().toISOString() };
  }

  private accountsOf(customerId: string): StoredAccount[] {
    return this.accounts
      .where('customer_id', customerId)
      .filter(a => a.org_id === this.orgId)
      .sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  private requireOrganization(): void {
    if (!this.organizations.has(this.orgId)) throw mcusProblem('organization_not_found', `organization ${this.orgId} not found`);
  }

  private requireCustomer(customerId: string): Customer {
    this.requireOrganization();
    const customer = this.customers.get(customerId);
    if (!customer || customer.org_id !== this.orgId) throw mcusProblem('customer_not_found', `customer ${customerId} not found in organization ${this.orgId}`);
    return customer;
  }

  /** The account, in this organization (and of `customerId` when given), or a 404. */
  private requireAccount(accountId: string, customerId?: string): StoredAccount {
    this.requireOrganization();
    const account = this.accounts.get(accountId);
    if (!account || account.org_id !== this.orgId || (customerId !== undefined && account.customer_id !== customerId)) {
      throw mcusProblem('account_not_found', `account ${accountId} not found${customerId ? ` for customer ${customerId}` : ''} in organization ${this.orgId}`);
    }
    return account;
  }
}

/** Every broken rule of a payment method; `prefix` places the fields in the body. */
function paymentMethodProblems(method: PaymentMethod, prefix: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const add = (field: string, rule: McusFieldRule, message: string) => problems.push({ field: `body.${prefix}${field}`, rule, message: `${prefix}${field} ${message}` });
  const details = method.details ?? {};
  for (const required of REQUIRED_DETAILS[method.type]) {
    if (details[required] === undefined) add(`details.${required}`, 'details_required', `is required when type is ${method.type}`);
  }
  if (method.type === 'DIRECT_DEBIT' && details.iban !== undefined) {
    const problem = ibanProblem(details.iban);
    if (problem) add('details.iban', 'invalid_iban', problem);
  }
  return problems;
}

/** The payment method as stored: `details` as given, omitted when empty or null. */
function canonicalPaymentMethod(method: PaymentMethod): PaymentMethod {
  const details = Object.fromEntries(Object.entries(method.details ?? {}).filter(([, v]) => v !== undefined));
  return Object.keys(details).length ? { type: method.type, details } : { type: method.type };
}

/** `address_lines` items must not be the literal "undefined" (what a client's `${undefined}` sends). */
function addressProblems(address: BillingAddress | undefined): FieldProblem[] {
  return (address?.address_lines ?? []).flatMap((line, i) =>
    line.trim() === 'undefined'
      ? [{ field: `body.billing_address.address_lines.${i}`, rule: 'undefined_address_line', message: `billing_address.address_lines.${i} must not be the literal string "undefined"` }]
      : [],
  );
}

/**
 * Business rules for writes through the admin data API: accounts as `Accounts.checkStored`; a
 * customer belongs to an existing organization; an organization with customers, or a customer with
 * accounts, cannot be deleted (their accounts would be orphaned).
 */
export function checkAdminWrite(write: AdminWrite, data: ApiData): object | null {
  const { collection, key, record } = write;
  if (collection === 'accounts') {
    return record ? new Accounts(data, (record as unknown as StoredAccount).org_id, () => write.now).checkStored(record as unknown as StoredAccount) : null;
  }
  if (collection === 'customers') {
    if (record) {
      const orgId = (record as unknown as Customer).org_id;
      if (!data.collection('organizations').has(orgId)) throw invalidField('org_id', `organization ${orgId} does not exist`);
      const accounts = data.collection<StoredAccount>('accounts').where('customer_id', key);
      if (accounts.some(a => a.org_id !== orgId)) throw problem('conflict', `customer ${key} has accounts in another organization; it cannot move to ${orgId}`);
      return record;
    }
    const count = data.collection<StoredAccount>('accounts').where('customer_id', key).length;
    if (count) throw problem('conflict', `customer ${key} still has ${count} account(s); delete them first`);
    return null;
  }
  if (collection === 'organizations' && !record) {
    const count = data.collection<Customer>('customers').where('org_id', key).length;
    if (count) throw problem('conflict', `organization ${key} still has ${count} customer(s); delete them first`);
  }
  return record;
}
