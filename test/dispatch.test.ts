// The API dispatcher must hand each request to its API exactly as `app.use('/<slug>', handler)`
// would: the same req.url, req.baseUrl and originalUrl, the same fall-through, and on a failure
// the same request state in the error handler.
import express, { type NextFunction, type Request, type Response } from 'express';
import request from 'supertest';
import { apiDispatcher } from '../src/app.js';

type Seen = { api: string; url: string; baseUrl: string; originalUrl: string; path: string };

function build(withDispatcher: boolean, withMounts = true) {
  const seen: Seen[] = [];
  const handler = (api: string) => async (req: Request, res: Response) => {
    seen.push({ api, url: req.url, baseUrl: req.baseUrl, originalUrl: req.originalUrl, path: req.path });
    await Promise.resolve();
    if (req.url.startsWith('/fail')) throw new Error('handler failed');
    res.json({ api, url: req.url, baseUrl: req.baseUrl, query: req.query });
  };
  const handlers = new Map([
    ['/upvest', handler('upvest')],
    ['/payex', handler('payex')],
  ]);
  const app = express();
  if (withDispatcher) app.use(apiDispatcher(handlers));
  if (withMounts) for (const [prefix, h] of handlers) app.use(prefix, h);
  app.use((req: Request, res: Response) => res.status(404).json({ notFound: req.path, url: req.url }));
  app.use((error: Error, req: Request, res: Response, _next: NextFunction) =>
    res.status(500).json({ error: error.message, url: req.url, baseUrl: req.baseUrl, path: req.path }),
  );
  return { app, seen };
}

const urls = [
  '/upvest/payments/reference_accounts/1',
  '/upvest',
  '/upvest/',
  '/upvest?limit=3',
  '/upvest/?limit=3',
  '/upvest/users/u/payments/reference_accounts?limit=100&offset=2',
  '/Upvest/payments/reference_accounts/1',
  '/UPVEST?x=1',
  '/upvestx/payments',
  '/upvest%2Fpayments',
  '/payex/ledger/account/v1/501/accounts/1234567',
  '/payex//double',
  '/upvest/fail/here',
  '/nowhere',
  '/',
  '/?upvest',
];

test('dispatching is indistinguishable from Express mounts, for every shape of URL', async () => {
  const plain = build(false);
  const fast = build(true);
  for (const url of urls) {
    for (const method of ['get', 'post', 'delete'] as const) {
      const a = await request(plain.app)[method](url);
      const b = await request(fast.app)[method](url);
      expect({ url, method, status: b.status, body: b.body }).toEqual({ url, method, status: a.status, body: a.body });
    }
  }
  expect(fast.seen).toEqual(plain.seen);
  expect(fast.seen.length).toBeGreaterThan(20);
});

test('the dispatcher itself serves exact prefixes (the mounts only see other letter cases)', async () => {
  const only = build(true, false);
  await request(only.app).get('/upvest/payments/reference_accounts/1').expect(200, { api: 'upvest', url: '/payments/reference_accounts/1', baseUrl: '/upvest', query: {} });
  await request(only.app).get('/payex?a=1').expect(200, { api: 'payex', url: '/?a=1', baseUrl: '/payex', query: { a: '1' } });
  await request(only.app).get('/Upvest/payments').expect(404);
});
