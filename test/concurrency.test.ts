// Concurrency over every API (generic over src/apis/index.ts): 500 concurrent creates across APIs
// and sandboxes make exactly 500 records, none lost, none twice, in memory and in the data file;
// concurrent full updates of one record end in exactly one of the written states.
import { once } from 'node:events';
import type { Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Express } from 'express';
import request from 'supertest';
import { META_API } from '../src/core/clock.js';
import fc from 'fast-check';
import type { IHttpOperation } from '@stoplight/types';
import type { Store, ChangesJson } from '../src/core/store.js';
import { testApp } from './helpers.js';
import { exampleRequest } from './spec-requests.js';
import { valueOf, type Schema } from './spec-arbitraries.js';

const NOW = new Date('2026-11-20T10:00:00Z');
const CREATES = 500;

interface Create {
  slug: string;
  op: IHttpOperation;
  /** A second identical create in the same sandbox adds another record (no uniqueness rule). */
  repeatable: boolean;
}

/** Records a sandbox added (keys that are not fixtures), from its stored changes. */
function addedRecords(store: Store, changes: ChangesJson | undefined): string[] {
  const keys: string[] = [];
  for (const [api, collections] of Object.entries(changes ?? {})) {
    if (api === META_API) continue; // the sandbox's own clock and id counter
    for (const [name, rows] of Object.entries(collections)) {
      const base = store.base.collection(api, name).rows;
      for (const [key, row] of Object.entries(rows)) if (row !== null && !base.has(key)) keys.push(`${api}/${name}/${key}`);
    }
  }
  return keys;
}

function sendExample(server: Server, slug: string, op: IHttpOperation, sandbox: string) {
  const { path, headers, body } = exampleRequest(op);
  let req = request(server)[op.method as 'post'](`/${slug}${path}`).set(headers).set('x-sandbox-id', sandbox);
  if (body) {
    req = req.set('content-type', body.mediaType);
    req = req.send(body.mediaType.includes('json') ? JSON.stringify(body.value) : new URLSearchParams(body.value as Record<string, string>).toString());
  }
  return req;
}

async function listening(app: Express): Promise<Server> {
  const server = app.listen(0);
  await once(server, 'listening');
  return server;
}

/** The POST operations whose example request adds exactly one record, found by trying each. */
async function findCreates(): Promise<Create[]> {
  const { app, store, apis } = await testApp({ now: () => NOW });
  const server = await listening(app);
  const creates: Create[] = [];
  try {
    for (const { module, operations } of apis) {
      for (const op of operations.filter(o => o.method === 'post')) {
        const sandbox = `probe-${module.slug}-${op.iid}`;
        const added = [];
        for (let i = 0; i < 2; i++) {
          const res = await sendExample(server, module.slug, op, sandbox);
          added.push(res.status < 300 ? addedRecords(store, store.changesOf(sandbox)).length : -1);
        }
        if (added[0] === 1) creates.push({ slug: module.slug, op, repeatable: added[1] === 2 });
      }
    }
  } finally {
    server.close();
  }
  return creates;
}

describe('500 concurrent creates across APIs and sandboxes', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sandbox-concurrency-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test.each([['in memory'], ['with a data file']])('make exactly 500 records, none lost, none twice (%s)', async mode => {
    const creates = await findCreates();
    expect(new Set(creates.map(c => c.slug)).size).toBeGreaterThanOrEqual(3);
    const dataFile = join(dir, 'sandbox.json');
    const sandboxApp = await testApp({ now: () => NOW, ...(mode === 'in memory' ? {} : { inMemory: false, dataFile }) });
    const { app, store, errors } = sandboxApp;
    const server = await listening(app);
    // Repeatable creates share a few sandboxes (many writers to one collection); the others get a
    // sandbox each (their uniqueness rules would refuse a second identical create).
    const plan = Array.from({ length: CREATES }, (_, i) => {
      const create = creates[i % creates.length];
      return { create, sandbox: create.repeatable ? `load-${create.slug}-${i % 5}` : `load-${create.slug}-${i}` };
    });
    const answers = await Promise.all(plan.map(({ create, sandbox }) => sendExample(server, create.slug, create.op, sandbox)));
    server.close();
    await sandboxApp.close();

    expect(answers.filter(a => a.status >= 300).map(a => [a.status, a.text])).toEqual([]);
    const sandboxes = [...new Set(plan.map(p => p.sandbox))];
    const added = sandboxes.flatMap(name => addedRecords(store, store.changesOf(name)).map(key => `${name}/${key}`));
    expect(added).toHaveLength(CREATES);
    expect(new Set(added).size).toBe(CREATES);
    // every id a create answered with is a stored record of its sandbox
    const ids = answers.map((a, i) => ({ sandbox: plan[i].sandbox, id: (a.body as { id?: unknown }).id })).filter(a => typeof a.id === 'string');
    expect(ids.filter(({ sandbox, id }) => !added.some(key => key.startsWith(`${sandbox}/`) && key.endsWith(`/${id}`)))).toEqual([]);
    expect(new Set(ids.map(({ sandbox, id }) => `${sandbox}/${id}`)).size).toBe(ids.length);
    expect(errors).toEqual([]);

    if (mode === 'with a data file') {
      // What a restart reads back from the data file.
      const reopened = await testApp({ now: () => NOW, inMemory: false, dataFile });
      const addedOnDisk = sandboxes.flatMap(name => addedRecords(store, reopened.store.changesOf(name)).map(key => `${name}/${key}`));
      expect(addedOnDisk.sort()).toEqual([...added].sort());
      for (const name of sandboxes) expect(JSON.stringify(reopened.store.changesOf(name))).toBe(JSON.stringify(store.changesOf(name)));
      await reopened.close();
    }
  });
});

describe('concurrent full updates of one record', () => {
  test('end in exactly one of the written states, in memory and on disk', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sandbox-concurrency-'));
    try {
      const dataFile = join(dir, 'sandbox.json');
      const sandboxApp = await testApp({ now: () => NOW, inMemory: false, dataFile });
      const { app, store, apis, errors } = sandboxApp;
      const server = await listening(app);
      const puts = apis.flatMap(({ module, operations }) =>
        operations.filter(op => op.method === 'put' && op.request?.body?.contents?.some(c => c.mediaType.includes('json'))).map(op => ({ slug: module.slug, op })),
      );
      expect(puts.length).toBeGreaterThan(0);
      for (const { slug, op } of puts) {
        const example = exampleRequest(op);
        const schema = op.request!.body!.contents!.find(c => c.mediaType.includes('json'))!.schema as Schema;
        const bodies = fc.sample(valueOf(schema), { seed: 7, numRuns: 40 });
        const send = (body: unknown, sandbox: string) =>
          request(server).put(`/${slug}${example.path}`).set(example.headers).set('x-sandbox-id', sandbox).set('content-type', 'application/json').send(JSON.stringify(body));

        // Each body alone, in a sandbox of its own: the state it writes.
        const written = new Map<string, number>();
        for (const [i, body] of bodies.entries()) {
          const sandbox = `solo-${op.iid}-${i}`;
          if ((await send(body, sandbox)).status < 300) written.set(JSON.stringify(store.changesOf(sandbox)?.[slug]), i);
        }
        expect(written.size).toBeGreaterThan(5);

        // All bodies at once to one record.
        const sandbox = `race-${op.iid}`;
        const answers = await Promise.all(bodies.map(body => send(body, sandbox)));
        expect(answers.filter(a => a.status >= 500)).toEqual([]);
        const final = JSON.stringify(store.changesOf(sandbox)?.[slug]);
        expect(written.has(final)).toBe(true);
        await sandboxApp.close();
        const reopened = await testApp({ now: () => NOW, inMemory: false, dataFile });
        expect(JSON.stringify(reopened.store.changesOf(sandbox)?.[slug])).toBe(final);
        await reopened.close();
      }
      server.close();
      expect(errors).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
