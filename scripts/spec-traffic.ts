// Requests for the fault and soak scripts, built from the specs alone, so every API registered in
// src/apis/index.ts is exercised without editing the scripts.
import { join } from 'node:path';
import type { IHttpOperation } from '@stoplight/types';
import { apis } from '../src/apis/index.js';
import { VIOLATIONS_HEADER } from '../src/core/pipeline.js';
import { loadOperations } from '../src/core/prism.js';
import { specsDir } from '../src/paths.js';
import { exampleRequest } from '../test/spec-requests.js';

export interface SpecOperation {
  slug: string;
  op: IHttpOperation;
}

/** One HTTP request, below the server's origin. */
export interface Call {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface Answer {
  status: number;
  body: unknown;
  violations: string | null;
}

export async function specOperations(): Promise<SpecOperation[]> {
  const all: SpecOperation[] = [];
  for (const { slug } of apis) {
    for (const op of await loadOperations(join(specsDir, `${slug}.yaml`))) all.push({ slug, op });
  }
  return all;
}

/** The operation's example request (valid by the spec's own examples) in a sandbox. */
export function exampleCall({ slug, op }: SpecOperation, sandbox: string): Call {
  const { path, headers, body } = exampleRequest(op);
  const call: Call = { method: op.method.toUpperCase(), path: `/${slug}${path}`, headers: { ...headers, 'x-sandbox-id': sandbox } };
  if (body) {
    call.headers['content-type'] = body.mediaType;
    call.body = body.mediaType.includes('json')
      ? JSON.stringify(body.value)
      : new URLSearchParams(body.value as Record<string, string>).toString();
  }
  return call;
}

export async function send(origin: string, call: Call, timeoutMs = 10_000): Promise<Answer> {
  const res = await fetch(`${origin}${call.path}`, {
    method: call.method,
    headers: call.headers,
    body: call.body,
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON (a PDF, a plain-text error): keep the text
  }
  return { status: res.status, body, violations: res.headers.get(VIOLATIONS_HEADER) };
}

/** Whether the operation documents the status (exactly, as `4XX`, or as `default`). */
export function documents(op: IHttpOperation, status: number): boolean {
  return op.responses.some(r => r.code === String(status) || r.code.toUpperCase() === `${String(status)[0]}XX` || r.code === 'default');
}

/** A POST that adds an item to a collection, and the DELETE / GET of that item when the spec has them. */
export interface CreateOperation {
  create: SpecOperation;
  remove?: SpecOperation;
  read?: SpecOperation;
}

/** POST operations with an item path below them (`POST /things` beside `/things/{id}`). */
export function createOperations(all: SpecOperation[]): CreateOperation[] {
  const item = (o: SpecOperation, method: string, under: string) =>
    all.find(x => x.slug === o.slug && x.op.method === method && new RegExp(`^${escape(under)}/\\{[^/]+\\}$`).test(x.op.path));
  return all
    .filter(o => o.op.method === 'post' && all.some(x => x.slug === o.slug && x.op.path.startsWith(`${o.op.path}/{`)))
    .map(create => ({ create, remove: item(create, 'delete', create.op.path), read: item(create, 'get', create.op.path) }));
}

/** The item path of a created record: the create's path plus the id from its answer. */
export function itemPath(create: Call, id: string): string {
  return `${create.path.split('?')[0]}/${encodeURIComponent(id)}`;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

