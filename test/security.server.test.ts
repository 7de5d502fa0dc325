// Connection-level limits, nothing about the host leaking, and long polls that do not slow writes (issue 13).
import { once } from 'node:events';
import { request as httpRequest, Agent, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { createSandboxServer } from '../src/server.js';
import { startServer, stop } from './process.js';
import { testApp } from './helpers.js';

/** Resolves with how long after `since` the socket was closed by the server, and what it answered. */
function closed(socket: Socket, since: number): Promise<{ afterMs: number; answer: string }> {
  let answer = '';
  socket.on('data', d => (answer += d));
  socket.on('error', () => undefined);
  return new Promise(resolve => socket.once('close', () => resolve({ afterMs: performance.now() - since, answer })));
}

/** A slowloris client: a request line, then one more header line every 500 ms, never finishing. */
function slowloris(port: number): { socket: Socket; stop: () => void } {
  const socket = connect(port, '127.0.0.1');
  socket.write('GET /__sandbox/health HTTP/1.1\r\nHost: localhost\r\n');
  let i = 0;
  const timer = setInterval(() => socket.writable && socket.write(`X-Slow-${i++}: a\r\n`), 500);
  socket.once('close', () => clearInterval(timer));
  return { socket, stop: () => (clearInterval(timer), socket.destroy()) };
}

describe('connection-level limits', () => {
  test('the server cuts a slowloris client off within seconds (defaults, as started by the CLI)', async () => {
    const running = await startServer(['--port', '0', '--in-memory', '--log-level', 'silent']);
    try {
      const port = Number(new URL(running.url).port);
      const started = performance.now();
      const slow = slowloris(port);
      const outcome = await Promise.race([
        closed(slow.socket, started),
        new Promise<undefined>(resolve => setTimeout(() => resolve(undefined), 15_000).unref()),
      ]);
      slow.stop();
      expect(outcome).toBeDefined();
      expect(outcome!.afterMs).toBeLessThan(12_500); // headers timeout 10 s, checked every second
      expect(outcome!.answer).toMatch(/^HTTP\/1.1 408 /);
    } finally {
      await stop(running);
    }
  }, 30_000);

  describe('with short limits', () => {
    let server: Server;
    let port: number;
    beforeAll(async () => {
      const { app } = await testApp();
      server = createSandboxServer(app, { headersTimeout: 1000, requestTimeout: 1500, keepAliveTimeout: 500, checkInterval: 200, maxConnections: 3, maxHeadersCount: 10 });
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      port = (server.address() as { port: number }).port;
    });
    afterAll(async () => {
      server.closeAllConnections();
      server.close();
    });

    test('slow headers, a slow body and an idle keep-alive connection are closed', async () => {
      const started = performance.now();
      const headers = slowloris(port);
      const body = connect(port, '127.0.0.1');
      body.write('PUT /__sandbox/sandboxes/x/faults HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{');
      const dribble = setInterval(() => body.writable && body.write(' '), 200);
      const idle = connect(port, '127.0.0.1');
      idle.write('GET /__sandbox/health HTTP/1.1\r\nHost: localhost\r\n\r\n');
      // The idle connection's time counts from its answer (which a loaded machine can delay).
      const answered = new Promise<number>(resolve => idle.once('data', () => resolve(performance.now())));
      const [h, b, i] = await Promise.all([closed(headers.socket, started), closed(body, started), closed(idle, started)]);
      clearInterval(dribble);
      expect(h.afterMs).toBeLessThan(2500);
      expect(b.afterMs).toBeLessThan(3000);
      expect(i.answer).toMatch(/^HTTP\/1.1 200 /);
      // Idle after its answer: closed by the 500 ms keep-alive limit (checked every 200 ms), not
      // Node's default of 5 s.
      expect(started + i.afterMs - (await answered)).toBeLessThan(2000);
    });

    test('connections beyond the maximum are closed at once; headers beyond the count are ignored', async () => {
      const open = await Promise.all([0, 1, 2].map(() => new Promise<Socket>(resolve => { const s = connect(port, '127.0.0.1', () => resolve(s)); })));
      await new Promise(r => setTimeout(r, 100));
      const extra = connect(port, '127.0.0.1');
      const outcome = await closed(extra, performance.now());
      expect(outcome.afterMs).toBeLessThan(1000);
      for (const s of open) s.destroy();
      await new Promise(r => setTimeout(r, 100));
      const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`x-h${i}`, 'v']));
      const status = await new Promise<number>((resolve, reject) => {
        httpRequest({ port, host: '127.0.0.1', path: '/__sandbox/health', headers: { host: 'localhost', ...many }, agent: new Agent() }, res => {
          res.resume();
          resolve(res.statusCode!);
        }).on('error', reject).end();
      });
      expect(status).toBe(200);
    });
  });
});

describe('nothing about the host leaks', () => {
  test('/__sandbox/health names the data file relative to the working folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sandbox-health-'));
    try {
      const { app } = await testApp({ inMemory: false, dataFile: join(dir, 'data.json') });
      const { body } = await request(app).get('/__sandbox/health').expect(200);
      expect(isAbsolute(body.dataFile)).toBe(false);
      expect(body.dataFile).toBe(relative(process.cwd(), join(dir, 'data.json')));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a MasStack JWT whose orgs claim is a string is read as that one org', async () => {
    const { app } = await testApp();
    const token = jwt.sign({ orgs: 'yoigo' }, 'x');
    await request(app)
      .get('/masstack/orgs/telco/accounts/0a6e1c2b-3d4f-4a5b-8c6d-7e8f9a0b1c2d')
      .set('authorization', `Bearer ${token}`)
      .expect(403);
    await request(app).get('/masstack/orgs/yoigo/customers/b5c3a1d2-6f4e-4a8b-9c7d-1e2f3a4b5c6d/accounts').set('authorization', `Bearer ${token}`).expect(404);
  });
});

describe('a long poll does not slow writes', () => {
  // Group commit holds a write back while requests are being handled (they are about to add
  // changes). A dashboard always has a `journal?wait=` pending: it must not count, or every write
  // waits out the full linger (measured 1 ms → 12 ms before).
  test('a pending journal?wait is not a request being handled; writes still complete', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sandbox-poll-'));
    const { app, store, close } = await testApp({ inMemory: false, dataFile: join(dir, 'data.json') });
    type Handling = { beginHandling?: () => () => void };
    const mechanism = store as unknown as Handling;
    let busy = 0;
    const begin = mechanism.beginHandling?.bind(store);
    if (begin) {
      mechanism.beginHandling = () => {
        busy++;
        const end = begin();
        let ended = false;
        return () => {
          if (!ended) (ended = true), busy--;
          end();
        };
      };
    }
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as { port: number }).port;
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    const send = (method: string, path: string, body?: string) =>
      new Promise<number>((resolve, reject) => {
        const headers: Record<string, string> = { host: 'localhost', authorization: 'Bearer test' };
        if (body) headers['content-type'] = 'application/json';
        const req = httpRequest({ port, host: '127.0.0.1', method, path, headers, agent }, res => {
          res.resume();
          res.on('end', () => resolve(res.statusCode!));
        });
        req.on('error', reject);
        req.end(body);
      });
    let limit = 20000;
    /** Times of sequential writes (each one on disk before its answer), sorted. */
    const writes = async (count: number) => {
      const times: number[] = [];
      while (times.length < count) {
        const t = performance.now();
        expect(await send('PATCH', '/payex/ledger/account/v1/501/accounts/1234567', `{"creditLimit": ${limit--}}`)).toBe(204);
        times.push(performance.now() - t);
      }
      return times.sort((a, b) => a - b);
    };
    const samples = Number(process.env.LATENCY_SAMPLES ?? 5);
    try {
      await writes(samples); // warm-up
      const without = await writes(samples);
      const poll = send('GET', '/__sandbox/journal?api=none&wait=30');
      await new Promise(r => setTimeout(r, 100));
      expect(busy).toBe(0);
      const withPoll = await writes(samples);
      expect(busy).toBe(0);
      const figures = (t: number[]) => `median ${t[t.length >> 1].toFixed(2)} ms, min ${t[0].toFixed(2)} ms`;
      // LATENCY_SAMPLES=200 LATENCY=1 npx jest test/security.server.test.ts -t 'long poll'
      if (process.env.LATENCY) console.log(`single write: ${figures(without)} without; ${figures(withPoll)} with a pending long poll`);
      server.closeAllConnections();
      await poll.catch(() => undefined);
    } finally {
      server.close();
      agent.destroy();
      await close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
