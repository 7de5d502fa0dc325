import { HttpProblem, problem } from '../src/core/problem.js';
import { renderProblem } from '../src/apis/masstack/errors.js';

const codes = (p: HttpProblem) => {
  const { status, body } = renderProblem(p);
  return { status, codes: (body as { errors: Array<{ error: { code: string } }> }).errors.map(e => e.error.code) };
};

describe('the MasStack envelope', () => {
  test('a 405 has no body', () => {
    expect(renderProblem(new HttpProblem(405, 'method_not_allowed', 'PUT is not allowed'))).toEqual({ status: 405 });
  });

  test.each([
    ['a spec violation', problem('validation', 'x'), 400, ['MCUS.999.998']],
    ['a missing credential', problem('unauthorized', 'x'), 401, ['MCUS.999.997']],
    ['an unknown route', problem('not_found', 'x'), 404, ['MCUS.999.995']],
    ['a generic conflict', problem('conflict', 'x'), 409, ['MCUS.999.989']],
    ['a body too large', problem('payload_too_large', 'x'), 413, ['MCUS.999.994']],
    ['a store failure', problem('unavailable', 'x'), 503, ['MCUS.999.990']],
    ['a forced 504 of any kind', new HttpProblem(504, 'forced', 'x'), 504, ['MCUS.999.991']],
    ['a forced 500 of any kind', new HttpProblem(500, 'forced', 'x'), 500, ['MCUS.999.999']],
    ['a known kind with another status', new HttpProblem(503, 'account_not_found', 'x'), 503, ['MCUS.999.990']],
  ])('%s', (_, p, status, expected) => {
    expect(codes(p)).toEqual({ status, codes: expected });
  });

  test('a 400 has one entry per field, coded by the rule it broke, each message naming the field', () => {
    const p = new HttpProblem(400, 'validation', 'x', {
      fields: [
        { field: 'body.details.iban', rule: 'invalid_iban', message: 'details.iban has invalid check digits' },
        { field: 'body.type', rule: 'enum', message: 'must be equal to one of the allowed values' },
      ],
    });
    expect(renderProblem(p).body).toEqual({
      errors: [
        { error: { code: 'MCUS.100.011', title: 'Invalid IBAN', ref: 'https://developers.masstack.com/errors/MCUS.100.011', message: 'details.iban has invalid check digits' } },
        { error: { code: 'MCUS.999.998', title: 'Bad request', ref: 'https://developers.masstack.com/errors/MCUS.999.998', message: 'type: must be equal to one of the allowed values' } },
      ],
    });
  });
});
