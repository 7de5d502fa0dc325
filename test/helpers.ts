// Shared test set-up: an in-memory, strict app (response violations are 500s), rebuilt per test.
import { createApp, type SandboxOptions } from '../src/app.js';
import { HttpProblem } from '../src/core/problem.js';

export async function testApp(options: SandboxOptions = {}) {
  const errors: unknown[] = [];
  const sandbox = await createApp({
    inMemory: true,
    strict: true,
    onError: error => errors.push(error),
    ...options,
  });
  return { ...sandbox, errors };
}

export const UPVEST = {
  clientId: '8c8d2e1f-3b4a-4c5d-9e6f-7a8b9c0d1e2f',
  user: '83d83ec2-d2ca-49ff-bbea-b92b5c3be202',
  account: 'c18f80bd-401e-4836-9776-7dc24c32d35e',
  headers: {
    'upvest-client-id': '8c8d2e1f-3b4a-4c5d-9e6f-7a8b9c0d1e2f',
    authorization: 'Bearer test',
  },
};

/** The HttpProblem that `fn` throws; fails the test when it throws nothing or something else. */
export function problemOf(fn: () => unknown): HttpProblem {
  try {
    fn();
  } catch (error) {
    if (error instanceof HttpProblem) return error;
    throw error;
  }
  throw new Error('expected a problem');
}
