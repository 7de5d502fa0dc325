// Issue 15, rule 3: every status an operation can answer is in the provider's documentation for it.
// Two halves make this mechanical:
// - every answer of every routed request is checked against our spec's statuses for its operation by
//   the pipeline, and the tests run it strict (`testApp`): an undocumented status becomes a 500 that
//   fails the test that caused it (test/prism.test.ts shows an undocumented status is a violation);
// - this file checks our specs' statuses against the providers' own documents (read from the seeds
//   and Upvest's published spec, not copied): an error status of ours that the provider does not
//   document for the operation must be a protocol-level answer any server gives (405, 406, 413, 414),
//   or a server-side or authentication answer (401, 500, 503) whose description in our spec says it
//   is inferred, or one of the exceptions the issue names (Upvest's 409 and 422).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { apis } from '../src/apis/index.js';
import { specsDir } from '../src/paths.js';
import { readShared, seed } from './seeds.js';

type Spec = {
  paths: Record<string, Record<string, { operationId?: string; description?: string; summary?: string; responses?: Record<string, { $ref?: string; description?: string }> }>>;
  components?: { responses?: Record<string, { description?: string }> };
};

const METHODS = new Set(['get', 'put', 'post', 'patch', 'delete']);

function operationsOf(spec: Spec) {
  return Object.entries(spec.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.has(method))
      .map(([method, op]) => ({ path, method, ...op })),
  );
}

/** Statuses in a documentation page: lines that are a status alone, or the first cell of a `Code | …` table row. */
const statusLines = (text: string) => [...text.matchAll(/^(?:([1-5]\d\d)|([1-5]\d\d) \| .*)$/gm)].map(m => Number(m[1] ?? m[2]));

/** MasStack (seed 000): one `Responses` table per operation, in the page's order (the page omits the paths). */
function masstackDocumented(): Record<string, number[]> {
  const tables = seed('000_c33af155c5087e3c.txt').split(/^Responses$/m).slice(1).map(t => statusLines(t.split(/^Parameters$/m)[0]));
  const order = ['getAccount', 'patchAccountPaymentMethod', 'listCustomerAccounts', 'createCustomerAccount', 'deleteCustomerAccount', 'getAvailablePaymentMethods'];
  expect(tables).toHaveLength(order.length);
  return Object.fromEntries(order.map((id, i) => [id, tables[i]]));
}

/** bankingservice.ai (seed 002): each operation's `Responses` list, followed by its request line. */
function bankingserviceDocumented(): Record<string, number[]> {
  const page = seed('002_5647c22b04db0b3a.txt');
  const documented: Record<string, number[]> = {};
  for (const block of page.split(/^Responses$/m).slice(1)) {
    const request = /^(GET|POST|PUT|DELETE) (\S+) HTTP\/1\.1$/m.exec(block);
    if (!request) continue;
    const statuses = [...block.slice(0, request.index).matchAll(/^([1-5]\d\d)$/gm)].map(m => Number(m[1]));
    documented[`${request[1].toLowerCase()} ${request[2]}`] = statuses;
  }
  return documented;
}

/** PayEx (seed 001): one problem-type table for the whole API (`|code|status|description`). */
function payexDocumented(): number[] {
  const page = seed('001_30e1974468c85cf4.txt');
  const table = page.slice(page.indexOf('=== Problem types ==='));
  return [...new Set([...table.matchAll(/^\d+ \+\|[^|]*\)([a-z-]+)\|[^|]*\)(\d{3})\|/gm)].map(m => Number(m[2])))];
}

/** PagoNxt (seed 004): the responses of Get account, each a status alone on its line. */
function pagonxtDocumented(): Array<number | 'default'> {
  return [...seed('004_0007a5fd6e36f3bd.txt').matchAll(/^([1-5]\d\d|default)$/gm)].map(m => (m[1] === 'default' ? 'default' : Number(m[1])));
}

/** Upvest: its published OpenAPI document, by method and path. */
function upvestDocumented(): Record<string, string[]> {
  const real = parse(readShared('reference/upvest-openapi-v1.9.0.yaml')) as Spec;
  return Object.fromEntries(operationsOf(real).map(op => [`${op.method} ${op.path}`, Object.keys(op.responses ?? {})]));
}

/** Any server answers these, whatever the provider documents (the protocol-level statuses). */
const PROTOCOL_LEVEL = new Set(['405', '406', '413', '414']);
/** Server-side and authentication answers: allowed undocumented only where our spec says they are inferred. */
const INFERRED_ALLOWED = new Set(['401', '500', '503']);
/** The exceptions issue 15 names (Upvest's guides and error catalogue document them, its spec does not). */
const NAMED_EXCEPTIONS: Record<string, string[]> = {
  'upvest createReferenceAccount': ['422'],
  'upvest deleteReferenceAccount': ['409'],
};
/** Whole operations the provider does not document (token endpoints), inferred from OAuth 2 (RFC 6749 §5.2: 400, 401). */
const OAUTH = ['400', '401'];

function providerDocumented(slug: string, op: ReturnType<typeof operationsOf>[number]): string[] | 'inferred operation' {
  const documented = documentedBySlug[slug];
  switch (slug) {
    case 'masstack':
      return ((documented as Record<string, number[]>)[op.operationId ?? ''] ?? []).map(String);
    case 'bankingservice': {
      if (op.operationId === 'createToken') return 'inferred operation';
      const statuses = (documented as Record<string, number[]>)[`${op.method} ${op.path}`];
      expect(statuses).toBeDefined();
      return statuses.map(String);
    }
    case 'payex':
      // The problem table is the API's, and PROVIDERS.md documents the 401 of a token used on another ledger.
      return op.operationId === 'createToken' ? 'inferred operation' : [...(documented as number[]).map(String), '401'];
    case 'pagonxt':
      // The token endpoint shares the API's documented error responses (PROVIDERS.md: OAuth 2 at /oauth/token).
      return (documented as Array<number | 'default'>).map(String);
    case 'upvest': {
      const statuses = (documented as Record<string, string[]>)[`${op.method} ${op.path}`];
      expect(statuses).toBeDefined();
      return statuses;
    }
  }
  throw new Error(`no provider documents for ${slug}`);
}

let documentedBySlug: Record<string, unknown>;

beforeAll(() => {
  documentedBySlug = {
    masstack: masstackDocumented(),
    bankingservice: bankingserviceDocumented(),
    payex: payexDocumented(),
    pagonxt: pagonxtDocumented(),
    upvest: upvestDocumented(),
  };
});

test('the documents are read: a status list for every operation they show', () => {
  expect(documentedBySlug.masstack).toMatchObject({ getAccount: [200, 400, 401, 403, 404, 405, 500, 503, 504], createCustomerAccount: expect.arrayContaining([409]) });
  expect(documentedBySlug.bankingservice).toEqual({
    'get /v1/profiles/{profileId}/customers/{customerId}': [200, 404],
    'delete /v1/profiles/{profileId}/customers/{customerId}': [200, 400],
    'get /v1/profiles/{profileId}/customers': [200],
    'post /v1/profiles/{profileId}/customers': [200, 400],
    'put /v1/profiles/{profileId}/customers/{customerId}': [200, 400],
  });
  expect((documentedBySlug.payex as number[]).sort()).toEqual([400, 403, 404, 409, 422]);
  expect(documentedBySlug.pagonxt).toEqual([200, 400, 401, 403, 404, 406, 413, 414, 422, 429, 500, 503, 504, 'default']);
  expect(Object.keys(documentedBySlug.upvest as object)).toEqual(expect.arrayContaining(['delete /payments/reference_accounts/{reference_account_id}']));
});

describe.each(apis.map(api => api.slug))('%s: every error status of the spec is the provider\'s, protocol-level, or inferred and said so', slug => {
  const spec = parse(readFileSync(join(specsDir, `${slug}.yaml`), 'utf8')) as Spec;
  const describedAs = (response: { $ref?: string; description?: string }) =>
    response.$ref ? (spec.components?.responses?.[response.$ref.split('/').pop()!]?.description ?? '') : (response.description ?? '');

  test.each(operationsOf(spec).map(op => [op.operationId ?? `${op.method} ${op.path}`, op] as const))('%s', (operationId, op) => {
    const documented = providerDocumented(slug, op);
    const inferredOperation = documented === 'inferred operation';
    if (inferredOperation) expect(`${op.summary ?? ''} ${op.description ?? ''}`).toMatch(/inferred/i);
    const undocumented: string[] = [];
    for (const [status, response] of Object.entries(op.responses ?? {})) {
      if (status.startsWith('2') || PROTOCOL_LEVEL.has(status)) continue;
      if (inferredOperation ? OAUTH.includes(status) : documented.includes(status)) continue;
      if (NAMED_EXCEPTIONS[`${slug} ${operationId}`]?.includes(status)) continue;
      if (INFERRED_ALLOWED.has(status) && /inferred/i.test(describedAs(response))) continue;
      undocumented.push(status);
    }
    expect(undocumented).toEqual([]);
  });
});

