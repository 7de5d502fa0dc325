import { Writable } from 'node:stream';
import { pino } from 'pino';
import request from 'supertest';
import { isoTime } from '../src/logging.js';
import { testApp, UPVEST } from './helpers.js';

test('one JSON line per request, with sandbox, API, operation, status, time and problems', async () => {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const { app } = await testApp({ logger: pino({ level: 'info' }, sink) });
  await request(app).get(`/upvest/payments/reference_accounts/${UPVEST.account}`).set({ ...UPVEST.headers, 'x-sandbox-id': 'ci-7' }).expect(200);
  await request(app).get(`/upvest/users/nope/payments/reference_accounts`).set(UPVEST.headers).expect(400);
  await request(app).get('/docs').expect(200);

  expect(lines).toHaveLength(3);
  expect(lines[0]).toMatchObject({
    level: 30,
    sandbox: 'ci-7',
    api: 'upvest',
    operationId: 'getReferenceAccount',
    status: 200,
    responseTime: expect.any(Number),
    msg: expect.stringMatching(/^GET \/upvest\/payments\/reference_accounts\/\S+ 200 upvest.getReferenceAccount \[ci-7\]/),
  });
  expect(lines[1]).toMatchObject({ level: 40, status: 400, problems: [expect.stringMatching(/^path.user_id: /)] });
  expect(lines[2]).toMatchObject({ level: 30, method: 'GET', url: '/docs' });
  expect(lines[2].api).toBeUndefined();
});

test('an API request is logged once, with the same fields, whoever ends its answer: the pipeline, CORS, or the error handler after a failure', async () => {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({ write: (chunk, _e, done) => (lines.push(JSON.parse(String(chunk))), done()) });
  const { app, events, errors } = await testApp({ logger: pino({ level: 'info', base: undefined }, sink), corsOrigins: '*' });
  const path = `/upvest/payments/reference_accounts/${UPVEST.account}`;
  const settle = () => new Promise(resolve => setTimeout(resolve, 20));
  // Ended by the pipeline (logged when the handler is done), then with an Origin (logged on 'finish').
  await request(app).get(path).set(UPVEST.headers).expect(200);
  await request(app).get(path).set({ ...UPVEST.headers, origin: 'http://localhost:3000' }).expect(200);
  // A preflight, answered by CORS alone.
  await request(app).options(path).set({ origin: 'http://localhost:3000', 'access-control-request-method': 'GET' }).expect(204);
  // The answer sent, then the handler fails (a failing 'request' listener): still one line.
  events.once('request', () => {
    throw new Error('listener failed');
  });
  await request(app).get(path).set(UPVEST.headers).expect(200);
  await settle();
  expect(errors).toHaveLength(1);
  const without = ({ time, responseTime, msg, ...rest }: Record<string, unknown>) => ({ ...rest, msg: String(msg).replace(/ [\d.]+ms$/, '') });
  expect(lines.map(without)).toEqual([
    ...[1, 2].map(() => ({
      level: 30,
      method: 'GET',
      url: path,
      status: 200,
      sandbox: 'default',
      api: 'upvest',
      operationId: 'getReferenceAccount',
      msg: `GET ${path} 200 upvest.getReferenceAccount [default]`,
    })),
    { level: 30, method: 'OPTIONS', url: path, status: 204, msg: `OPTIONS ${path} 204` },
    { level: 30, method: 'GET', url: path, status: 200, sandbox: 'default', api: 'upvest', operationId: 'getReferenceAccount', msg: `GET ${path} 200 upvest.getReferenceAccount [default]` },
  ]);
  for (const line of lines) expect(Object.keys(line).slice(0, 6)).toEqual(['level', 'time', 'method', 'url', 'status', 'responseTime']);
});

test('the log level filters request lines', async () => {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk, _e, done) => (lines.push(String(chunk)), done()) });
  const { app } = await testApp({ logger: pino({ level: 'warn' }, sink) });
  await request(app).get(`/upvest/payments/reference_accounts/${UPVEST.account}`).set(UPVEST.headers).expect(200);
  await request(app).get(`/upvest/payments/reference_accounts/${UPVEST.account}`).expect(401);
  expect(lines).toHaveLength(1);
  expect(JSON.parse(lines[0]).status).toBe(401);
});

test("the log's time is pino's isoTime, formatted once per millisecond", () => {
  const realNow = Date.now;
  try {
    for (const ms of [1764000000123, 1764000000123, 1764000000124, 0, 1764000999999]) {
      Date.now = () => ms;
      expect(isoTime()).toBe(pino.stdTimeFunctions.isoTime());
    }
  } finally {
    Date.now = realNow;
  }
});
