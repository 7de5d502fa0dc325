// The API dispatcher must hand each request to its API exactly as `app.use('/<slug>', handler)`
// would: the same req.url, req.baseUrl and originalUrl, the same fall-through, and on a failure
// the same request state in the error handler.
import { once } from 'node:events';
import { IncomingMessage, ServerResponse, type RequestListener, type Server } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import request from 'supertest';
import { apiDispatcher, serveApisFirst } from '../src/app.js';
import { createSandboxServer } from '../src/server.js';
import { testApp, UPVEST } from './helpers.js';

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

describe('CORS and Vary on dispatched requests (the pipeline writes all headers at once)', () => {
  // `/Upvest/…` is served by the Express mount behind the app-level CORS middleware (the slow
  // path): every header, in order, and the body must be the same as for `/upvest/…`.
  const rawHeaders = (res: request.Response) => {
    const raw = (res as unknown as { res: { rawHeaders: string[] } }).res.rawHeaders;
    const pairs: string[] = [];
    for (let i = 0; i < raw.length; i += 2) if (!/^(date|upvest-request-id)$/i.test(raw[i])) pairs.push(`${raw[i]}: ${raw[i + 1]}`);
    return pairs;
  };
  const withoutIds = (text: string) => text.replace(/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/g, 'ID');

  test.each([
    ['get, no Origin', 'get', '/payments/reference_accounts/c18f80bd-401e-4836-9776-7dc24c32d35e', {}],
    ['get, with Origin', 'get', '/payments/reference_accounts/c18f80bd-401e-4836-9776-7dc24c32d35e', { origin: 'http://localhost:3000' }],
    ['list, with Origin', 'get', '/users/83d83ec2-d2ca-49ff-bbea-b92b5c3be202/payments/reference_accounts?limit=3', { origin: 'http://localhost:3000' }],
    ['404, no Origin', 'get', '/payments/reference_accounts/00000000-0000-4000-8000-000000000000', {}],
    ['405, with Origin', 'put', '/payments/reference_accounts', { origin: 'http://evil.example' }],
    ['head', 'head', '/payments/reference_accounts/c18f80bd-401e-4836-9776-7dc24c32d35e', {}],
    ['preflight', 'options', '/payments/reference_accounts', { origin: 'http://localhost:3000', 'access-control-request-method': 'POST', 'access-control-request-headers': 'idempotency-key' }],
  ] as const)('%s', async (_name, method, path, extra) => {
    const { app, close } = await testApp();
    try {
      const headers = { ...UPVEST.headers, ...extra };
      const fast = await request(app)[method](`/upvest${path}`).set(headers);
      const slow = await request(app)[method](`/Upvest${path}`).set(headers);
      expect(fast.status).toBe(slow.status);
      expect(rawHeaders(fast)).toEqual(rawHeaders(slow));
      expect(withoutIds(fast.text ?? '')).toEqual(withoutIds(slow.text ?? ''));
      expect(rawHeaders(fast).some(h => /^vary: .*Origin/i.test(h))).toBe(true);
      if ('origin' in extra) expect(fast.headers['access-control-allow-origin']).toBeDefined();
    } finally {
      await close();
    }
  });
});

describe('API requests skip the router (app.handle hands them to the dispatcher)', () => {
  test('an exact API prefix never enters the router; other requests do', async () => {
    const { app, close } = await testApp();
    const router = (app as unknown as { router: { handle: (...args: unknown[]) => unknown } }).router;
    const handle = router.handle;
    let routed = 0;
    router.handle = function (this: unknown, ...args: unknown[]) {
      routed++;
      return handle.apply(this, args);
    };
    try {
      await request(app).get(`/upvest/payments/reference_accounts/${UPVEST.account}`).set(UPVEST.headers).expect(200);
      await request(app).get('/upvest?x=1').set(UPVEST.headers).expect(404);
      expect(routed).toBe(0);
      await request(app).get(`/Upvest/payments/reference_accounts/${UPVEST.account}`).set(UPVEST.headers).expect(200);
      await request(app).get('/__sandbox/sandboxes').expect(200);
      expect(routed).toBe(2);
    } finally {
      router.handle = handle;
      await close();
    }
  });

  test('a failure after the response goes to the app error handler with the request as Express mounts leave it', async () => {
    for (const prefix of ['/upvest', '/Upvest']) {
      const where: string[] = [];
      const { app, events, close } = await testApp({ onError: (_error, at) => where.push(at) });
      events.on('request', () => {
        throw new Error('listener failed');
      });
      try {
        const res = await request(app).get(`${prefix}/payments/reference_accounts/${UPVEST.account}`).set(UPVEST.headers);
        expect(res.status).toBe(200);
        await new Promise(resolve => setTimeout(resolve, 20));
        expect(where).toEqual([`GET ${prefix}/payments/reference_accounts/${UPVEST.account}`]);
      } finally {
        await close();
      }
    }
  });

  test('requests served directly get what Express gives every request: its req and res methods, locals, originalUrl', async () => {
    const seen: Array<Record<string, unknown>> = [];
    const dispatcherHandlers = new Map([
      [
        '/probe',
        async (req: Request, res: Response) => {
          seen.push({ originalUrl: req.originalUrl, baseUrl: req.baseUrl, url: req.url, query: req.query, path: req.path, protocol: req.protocol, host: req.get('host'), locals: typeof res.locals, json: typeof res.json });
          res.json({ ok: true });
        },
      ],
    ]);
    // The same app-level wiring as createApp, on a fresh app: dispatcher first, then what serves the rest.
    const probe = express();
    const dispatcher = apiDispatcher(dispatcherHandlers);
    probe.use(dispatcher);
    probe.use((req: Request, res: Response) => res.status(404).json({ notFound: req.path }));
    serveApisFirst(probe, dispatcher);
    {
      await request(probe).get('/probe/a/b?x=1').expect(200, { ok: true });
      expect(seen[0]).toMatchObject({ originalUrl: '/probe/a/b?x=1', baseUrl: '/probe', url: '/a/b?x=1', query: { x: '1' }, path: '/a/b', protocol: 'http', locals: 'object', json: 'function' });
      expect(dispatcher.serves('/probe?x')).toBe(true);
      expect(dispatcher.serves('/Probe')).toBe(false);
      expect(dispatcher.serves('http://h/probe')).toBe(false);
      await request(probe).get('/Probe/a').expect(404, { notFound: '/Probe/a' });
    }
  });
});

describe("the server makes each request and response with the app's own prototypes (server.ts)", () => {
  async function listening(listener: RequestListener): Promise<{ server: Server; url: string }> {
    const server = createSandboxServer(listener);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
  }
  const closing = (server: Server) => {
    server.closeAllConnections();
    return new Promise(resolve => server.close(resolve));
  };

  test("an Express app's requests arrive with app.request and app.response as prototypes; another listener's with Node's", async () => {
    const app = express();
    app.get('/x', (req, res) => {
      res.json({ path: req.path, host: req.get('host'), request: req instanceof IncomingMessage, response: res instanceof ServerResponse });
    });
    const arrived: unknown[] = [];
    // What the server hands over, before Express sets anything.
    const listener = Object.assign((req: IncomingMessage, res: ServerResponse) => {
      arrived.push(Object.getPrototypeOf(req), Object.getPrototypeOf(res));
      app(req as Request, res as Response);
    }, { request: app.request, response: app.response });
    const { server, url } = await listening(listener as unknown as RequestListener);
    try {
      const res = await fetch(`${url}/x`);
      expect(await res.json()).toEqual({ path: '/x', host: new URL(url).host, request: true, response: true });
      expect(arrived).toEqual([app.request, app.response]);
    } finally {
      await closing(server);
    }
    const plain = await listening((req, res) => {
      arrived.push(Object.getPrototypeOf(req), Object.getPrototypeOf(res));
      res.end('ok');
    });
    try {
      expect(await (await fetch(`${plain.url}/`)).text()).toBe('ok');
      expect(arrived.slice(2)).toEqual([IncomingMessage.prototype, ServerResponse.prototype]);
    } finally {
      await closing(plain.server);
    }
  });

  test("the sandbox answers the same through its server as through Node's own classes (an API read and write, the router's pages)", async () => {
    const now = () => new Date('2026-11-20T10:00:00Z');
    const sandboxes = await Promise.all([testApp({ seed: 7, now }), testApp({ seed: 7, now })]);
    const { server, url } = await listening(sandboxes[0].app);
    try {
      const direct = request(sandboxes[1].app);
      const strip = (headers: Record<string, unknown>) => Object.fromEntries(Object.entries(headers).filter(([name]) => name !== 'date' && name !== 'connection' && name !== 'keep-alive'));
      const account = `/upvest/payments/reference_accounts/${UPVEST.account}`;
      const body = { user_id: UPVEST.user, account_owner: 'A B', iban: 'DE89370400440532013000', bic: 'COBADEFFXXX', confirmed_at: '2026-11-20T09:00:00Z' };
      const asks: Array<[string, string, Record<string, string>, unknown?]> = [
        ['GET', account, UPVEST.headers],
        ['GET', account, { ...UPVEST.headers, origin: 'http://localhost:3000' }],
        ['POST', '/upvest/payments/reference_accounts', { ...UPVEST.headers, 'content-type': 'application/json', 'idempotency-key': '3b1f0a9e-1111-4c5d-9e6f-7a8b9c0d1e2f' }, body],
        ['GET', `/Upvest/payments/reference_accounts/${UPVEST.account}`, UPVEST.headers],
        ['GET', '/nowhere', {}],
        ['GET', '/__sandbox/sandboxes', {}],
      ];
      for (const [method, path, headers, sent] of asks) {
        const viaServer = await fetch(`${url}${path}`, { method, headers, body: sent === undefined ? undefined : JSON.stringify(sent) });
        const viaSupertest = await (method === 'GET' ? direct.get(path) : direct.post(path)).set(headers).send(sent === undefined ? undefined : JSON.stringify(sent));
        const text = await viaServer.text();
        expect([path, viaServer.status, strip(Object.fromEntries(viaServer.headers)), text.replace(/"lastUsed":"[^"]*"/g, '')]).toEqual([
          path,
          viaSupertest.status,
          strip(viaSupertest.headers),
          viaSupertest.text.replace(/"lastUsed":"[^"]*"/g, ''),
        ]);
      }
    } finally {
      await closing(server);
      await Promise.all(sandboxes.map(s => s.close()));
    }
  });
});
