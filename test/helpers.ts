// Shared test set-up: an in-memory, strict app (response violations are 500s), rebuilt per test.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Express } from 'express';
import { createApp, type SandboxApp, type SandboxOptions } from '../src/app.js';
import { HttpProblem } from '../src/core/problem.js';

export async function testApp(options: SandboxOptions = {}) {
  const errors: unknown[] = [];
  if (fleetRedis && !options.dataFile && options.inMemory !== false) return fleetApp(options, errors);
  const sandbox = await createApp({
    inMemory: true,
    strict: true,
    onError: error => errors.push(error),
    ...options,
  });
  return { ...sandbox, errors };
}

/** Set by the "redis fleet" test project (jest.config.js): testApp() then builds a fleet. */
let fleetRedis: string | undefined;
let fleetApps: SandboxApp[] = [];
let fleets = 0;

export function enableFleetMode(redisUrl: string): void {
  fleetRedis = redisUrl;
}

export async function closeFleetApps(): Promise<void> {
  const apps = fleetApps;
  fleetApps = [];
  await Promise.all(apps.map(a => a.close()));
}

/**
 * Three app instances sharing one Redis under a key prefix of their own (a fresh, isolated
 * deployment per test), behind a round-robin dispatcher: consecutive requests go to different
 * instances, as through a load balancer. The rest (store, controls, …) is the first instance's.
 */
async function fleetApp(options: SandboxOptions, errors: unknown[]) {
  const prefix = `test:${process.pid}:${++fleets}:`;
  const apps = await Promise.all(
    [0, 1, 2].map(() => createApp({ strict: true, onError: error => errors.push(error), ...options, store: fleetRedis, storePrefix: prefix })),
  );
  fleetApps.push(...apps);
  let next = 0;
  const roundRobin = ((req: IncomingMessage, res: ServerResponse) => apps[next++ % apps.length].app(req as never, res as never)) as unknown as Express;
  return { ...apps[0], app: roundRobin, errors };
}

/** The HttpProblem that `fn` throws (anything else fails the test). */
export function problemOf(fn: () => unknown): HttpProblem {
  try {
    fn();
  } catch (error) {
    if (error instanceof HttpProblem) return error;
    throw error;
  }
  throw new Error('expected a problem');
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

/** PagoNxt fixture ids: the example customer's GB account (with two virtual IBANs) and its ES account (with referenced virtual accounts). */
export const PAGONXT = {
  clientId: '5f2b1c9e-8a4d-4e3b-9c7a-1d2e3f4a5b6c',
  customer: 'pagonxt_esESB76134758',
  account: '2507b89c-b680-46df-9505-e0b6f78cf295',
  iban: 'GB12PNXT09991191626338',
  bban: 'PNXT09991191626338',
  esAccount: '149f80c3-c6db-4820-b101-3b801f934b39',
  esIban: 'ES8469998246978100465395',
  esBban: '69998246978100465395',
  virtualIban: 'fb4c17e4-420a-4347-b092-9b16b608a8f9',
  referencedVirtual: 'd0252c5f-9ede-478c-a479-096c5e92c906',
  otherCustomer: 'PNXTGB2LXXXUS1234567890',
  otherAccount: '0589bd6c-cca4-4b46-9c8a-b786171e66e1',
  headers: {
    'x-client-id': '5f2b1c9e-8a4d-4e3b-9c7a-1d2e3f4a5b6c',
    authorization: 'Bearer test',
  },
};
