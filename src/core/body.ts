// Reads a request body within a size limit and parses it by media type, refusing what could
// hurt the server: invalid UTF-8, prototype-polluting keys, absurd nesting.
import type { IncomingMessage } from 'node:http';
import getRawBody from 'raw-body';
import secureJson from 'secure-json-parse';
import { invalidField, problem } from './problem.js';

const MAX_DEPTH = 64;
/**
 * Parsed JSON can take ~20 times its size in memory (`[{},{},…]`: 3 bytes of text, ~60 of heap per
 * object). Bodies over 16 KB may hold at most one object or array per 16 bytes, which no real
 * request comes near, so a body costs at most a few times its size.
 */
const DENSE_FROM_BYTES = 16 * 1024;
const MIN_BYTES_PER_CONTAINER = 16;
const utf8 = new TextDecoder('utf-8', { fatal: true });

export function isJsonMediaType(contentType: string | undefined): boolean {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  return type === 'application/json' || type.endsWith('+json');
}

/** A request body as received (`text`) and as handlers see it (`value`). */
export interface RequestBody {
  text?: string;
  /** Parsed JSON for JSON media types, the text otherwise, undefined when empty. */
  value: unknown;
}

export async function readBody(req: IncomingMessage, limit: number): Promise<RequestBody> {
  // Without Content-Length or Transfer-Encoding an HTTP/1.1 request has no body (RFC 9112 §6.3).
  if (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined) return { value: undefined };
  let raw: Buffer;
  try {
    raw = await getRawBody(req, { limit, length: req.headers['content-length'] });
  } catch (error) {
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') throw problem('payload_too_large', `request body is larger than ${limit} bytes`);
    if (type === 'request.size.invalid') throw invalidField('header.content-length', 'does not match the body length');
    throw problem('validation', 'request body could not be read');
  }
  if (raw.length === 0) return { value: undefined };
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    throw invalidField('body', 'is not valid UTF-8');
  }
  if (!isJsonMediaType(req.headers['content-type'])) return { text, value: text };
  if (text.length > DENSE_FROM_BYTES && containers(text) > text.length / MIN_BYTES_PER_CONTAINER) {
    throw invalidField('body', `holds more than one object or array per ${MIN_BYTES_PER_CONTAINER} bytes`, 'density');
  }
  let value: unknown;
  try {
    value = secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch (error) {
    if (error instanceof SyntaxError && /prototype/i.test(error.message)) {
      throw invalidField('body', 'must not contain __proto__ or constructor.prototype keys');
    }
    throw invalidField('body', `is not valid JSON (${error instanceof Error ? error.message : 'parse error'})`);
  }
  if (depthExceeds(value, MAX_DEPTH)) throw invalidField('body', `is nested more than ${MAX_DEPTH} levels deep`);
  return { text, value };
}

/**
 * Iterative, so a hostile body cannot overflow the stack here. Only objects and arrays are stacked,
 * with their depths in a parallel list: an 8 MiB `[1,1,…]` has 4 million items, and a [node, depth]
 * pair per item (as before) cost ~160 MB for a moment.
 */
function depthExceeds(value: unknown, max: number): boolean {
  const nodes: object[] = [];
  const depths: number[] = [];
  const visit = (child: unknown, depth: number) => {
    if (child !== null && typeof child === 'object') {
      nodes.push(child);
      depths.push(depth);
    }
  };
  visit(value, 1);
  while (nodes.length) {
    const node = nodes.pop()!;
    const depth = depths.pop()!;
    if (depth > max) return true;
    if (Array.isArray(node)) for (let i = 0; i < node.length; i++) visit(node[i], depth + 1);
    else for (const key in node) visit((node as Record<string, unknown>)[key], depth + 1);
  }
  return false;
}

/** `{` and `[` in the text (inside strings too: an over-count only matters for absurd bodies). */
function containers(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 123 || c === 91) count++;
  }
  return count;
}
