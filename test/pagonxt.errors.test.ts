import { join } from 'node:path';
import { ERROR_CATALOGUE, catalogueEntry, descriptionText, renderProblem } from '../src/apis/pagonxt/errors.js';
import { HttpProblem, type FieldProblem } from '../src/core/problem.js';
import { SpecSchemas } from '../src/core/schemas.js';
import { specsDir } from '../src/paths.js';

const schemas = new SpecSchemas(join(specsDir, 'pagonxt.yaml'));
const ctx = { requestId: 'r', method: 'GET', path: '/customers/x/accounts/y' };
const render = (status: number, message = 'something went wrong', fields: FieldProblem[] = []) =>
  renderProblem(new HttpProblem(status, 'any', message, { fields }), ctx);

describe('renderProblem', () => {
  // The reference's catalogue, status by status: code, message and level exactly as documented.
  test.each([
    [400, 'BAD_REQUEST', 'Bad Request', 'FATAL'],
    [401, 'UNAUTHORIZED', 'Unauthorized', 'FATAL'],
    [403, 'FORBIDDEN', 'Forbidden', 'FATAL'],
    [404, 'NOT_FOUND', 'Not Found', 'FATAL'],
    [406, 'NOT_ACCEPTABLE', 'Not Acceptable', 'FATAL'],
    [413, 'ENTITY_TOO_LARGE', 'Request Entity Too Large', 'FATAL'],
    [414, 'URI_TOO_LONG', 'URI Too Long', 'FATAL'],
    [422, 'UNPROCESSABLE_ENTITY', 'Unprocessable Entity', 'FATAL'],
    [429, 'TOO_MANY_REQUESTS', 'Too Many Requests', 'ERROR'],
    [500, 'INTERNAL_SERVER_ERROR', 'Internal server error', 'FATAL'],
    [503, 'SERVICE_UNAVAILABLE', 'Service unavailable', 'ERROR'],
    [504, 'GATEWAY_TIMEOUT', 'Gateway timeout', 'ERROR'],
  ])('%i is %s / %s / %s in the PagoNxt envelope', (status, code, message, level) => {
    const response = render(status, 'The sandbox: "did" this, and that.');
    expect(response.status).toBe(status);
    expect(response.headers).toEqual({ 'content-type': 'application/json' });
    expect(response.body).toEqual({ errors: [{ code, message, level, description: 'The sandbox did this and that.' }] });
    expect(schemas.validate('Errors', response.body)).toEqual([]);
  });

  test('the catalogue has exactly the documented statuses', () => {
    expect(Object.keys(ERROR_CATALOGUE).map(Number)).toEqual([400, 401, 403, 404, 406, 413, 414, 422, 429, 500, 503, 504]);
  });

  test.each([
    [405, 'METHOD_NOT_ALLOWED', 'Method Not Allowed'],
    [409, 'CONFLICT', 'Conflict'],
    [416, 'RANGE_NOT_SATISFIABLE', 'Range Not Satisfiable'],
    [418, 'I_M_A_TEAPOT', 'I m a Teapot'],
    [507, 'INSUFFICIENT_STORAGE', 'Insufficient Storage'],
    [599, 'INTERNAL_SERVER_ERROR', 'Error message'],
  ])('an undocumented %i follows the default response: %s / %s', (status, code, message) => {
    expect(catalogueEntry(status)).toEqual({ code, message, level: 'FATAL' });
    expect(schemas.validate('Errors', render(status).body)).toEqual([]);
  });

  test('one error per broken rule, at most 50, each valid', () => {
    const fields = Array.from({ length: 60 }, (_, i) => ({ field: `query.p${i}`, message: `query parameter p${i} must be <= 10`, rule: 'maximum' }));
    const { body } = render(400, 'x', fields) as { body: { errors: Array<{ description: string }> } };
    expect(body.errors).toHaveLength(50);
    expect(body.errors[0].description).toBe('query parameter p0 must be 10');
    expect(schemas.validate('Errors', body)).toEqual([]);
  });

  test('a field that failed an anyOf is one error, worded for account_id', () => {
    const fields: FieldProblem[] = [
      { field: 'path.account_id', message: 'path parameter account_id must NOT have fewer than 36 characters', rule: 'minLength' },
      { field: 'path.account_id', message: 'path parameter account_id must match pattern "^[0-9A-Z\\s]{11,30}$"', rule: 'pattern' },
      { field: 'path.account_id', message: 'path parameter account_id must match a schema in anyOf', rule: 'anyOf' },
      { field: 'path.customer_id', message: 'path parameter customer_id must match pattern "^[a-zA-Z0-9\\-_]*$"', rule: 'pattern' },
    ];
    expect((render(400, 'x', fields).body as { errors: Array<{ description: string }> }).errors.map(e => e.description)).toEqual([
      'path parameter account_id must be a uuid or an IBAN or a BBAN',
      'path parameter customer_id must match pattern',
    ]);
  });

  test('a field problem that does not name its field is prefixed with it', () => {
    const { body } = render(401, 'x', [{ field: 'header.authorization', message: 'requires an Authorization: Bearer header' }]);
    expect(body).toEqual({ errors: [expect.objectContaining({ description: 'header.authorization requires an Authorization Bearer header' })] });
  });
});

describe('descriptionText', () => {
  test.each([
    ['quoted patterns are dropped, quoted words kept', 'x must match pattern "^[A-Z]{2}$" or be "iban"', 'x must match pattern or be iban'],
    ['colons, commas, quotes and brackets become spaces', "Accept: text/html, it's (bad)", 'Accept text/html it s bad'],
    ['the allowed characters stay', 'a-b_c/d.e 12', 'a-b_c/d.e 12'],
    ['non-ASCII letters go', 'cuenta bancaria ñ €', 'cuenta bancaria'],
    ['nothing left is empty', '"^$"', ''],
  ])('%s', (_, text, expected) => {
    expect(descriptionText(text)).toBe(expected);
  });

  test('is cut at 255 characters', () => {
    expect(descriptionText('word '.repeat(100))).toHaveLength(254);
    expect(descriptionText('x'.repeat(300))).toHaveLength(255);
  });

  test('an empty description falls back to the message', () => {
    expect(render(404, '"^$"').body).toEqual({ errors: [{ code: 'NOT_FOUND', message: 'Not Found', level: 'FATAL', description: 'Not Found' }] });
  });
});
