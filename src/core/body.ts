// Reads a request body within a size limit and parses it by media type, refusing what could
// hurt the server: invalid UTF-8, prototype-polluting keys, absurd nesting.
import type { IncomingMessage } from 'node:http';
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
/**
 * Parsing also costs per value: an object of 700,000 distinct keys (`{"k0":0,"k1":0,…}`, 8 MiB)
 * takes ~40 MB of heap and ~60 MB more of the parser's own memory for a moment, and
 * `[1,1,…]` ~4 times its size. In bodies over 16 KB, an object or array of more than 1,000 members
 * or items must average at least 16 bytes of text per value. Real ones are far from it: a
 * snapshot's collections hold whole records (hundreds of bytes each), and a snapshot as a whole
 * averages ~27 bytes per member.
 */
const LARGE_CONTAINER = 1000;
const MIN_BYTES_PER_VALUE = 16;

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
  const text = await readText(req, limit);
  if (text.length === 0) return { value: undefined };
  if (!isJsonMediaType(req.headers['content-type'])) return { text, value: text };
  // A text of at most MAX_DEPTH characters can neither nest too deep nor be dense (DENSE_FROM_BYTES is larger).
  if (text.length > MAX_DEPTH) {
    const { containers, tooDeep, denseValues } = shape(text, MAX_DEPTH);
    if (text.length > DENSE_FROM_BYTES && containers > text.length / MIN_BYTES_PER_CONTAINER) {
      throw invalidField('body', `holds more than one object or array per ${MIN_BYTES_PER_CONTAINER} bytes`, 'density');
    }
    if (tooDeep) throw invalidField('body', `is nested more than ${MAX_DEPTH} levels deep`);
    if (text.length > DENSE_FROM_BYTES && denseValues) {
      throw invalidField('body', `holds an object or array of over ${LARGE_CONTAINER.toLocaleString('en')} values with less than ${MIN_BYTES_PER_VALUE} bytes per value`, 'density');
    }
  }
  try {
    return { text, value: secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' }) };
  } catch (error) {
    if (error instanceof SyntaxError && /prototype/i.test(error.message)) {
      throw invalidField('body', 'must not contain __proto__ or constructor.prototype keys');
    }
    throw invalidField('body', `is not valid JSON (${error instanceof Error ? error.message : 'parse error'})`);
  }
}

/**
 * The body as text, within `limit` bytes. Each chunk is decoded as it arrives and its bytes let go,
 * so a body is never held as one more copy in bytes: a 8 MiB body costs its text, not its text
 * plus 8 MiB of chunks plus an 8 MiB buffer joining them (outside V8's heap, where freed memory
 * is hard to give back). A body over the limit is refused as soon as that is known (413); invalid
 * UTF-8 is refused (400) once the whole body is read, so the client is never cut off mid-send.
 */
function readText(req: IncomingMessage, limit: number): Promise<string> {
  const declared = req.headers['content-length'];
  const length = declared === undefined ? undefined : Number(declared);
  if (length !== undefined && length > limit) {
    halt(req);
    return Promise.reject(problem('payload_too_large', `request body is larger than ${limit} bytes`));
  }
  if (!req.readable) return Promise.reject(problem('validation', 'request body could not be read'));
  return new Promise((resolve, reject) => {
    // The usual body comes in one chunk, decoded at the end by the shared decoder; a body in more
    // chunks gets a streaming decoder of its own (making one costs a few microseconds).
    let first: Buffer | undefined;
    let decoder: InstanceType<typeof TextDecoder> | undefined;
    let parts: string[] = [];
    let received = 0;
    let invalid = false;
    const settle = (error: unknown, text?: string) => {
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      first = undefined;
      parts = [];
      if (error === undefined) return resolve(text!);
      halt(req);
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) return settle(problem('payload_too_large', `request body is larger than ${limit} bytes`));
      if (invalid) return;
      if (!decoder && !first) {
        first = chunk;
        return;
      }
      try {
        if (!decoder) {
          decoder = new TextDecoder('utf-8', { fatal: true });
          parts.push(decoder.decode(first, { stream: true }));
          first = undefined;
        }
        parts.push(decoder.decode(chunk, { stream: true }));
      } catch {
        invalid = true;
        first = undefined;
        parts = [];
      }
    };
    const onEnd = () => {
      if (length !== undefined && received !== length) return settle(invalidField('header.content-length', 'does not match the body length'));
      if (!invalid) {
        try {
          parts.push(decoder ? decoder.decode() : first ? utf8.decode(first) : '');
        } catch {
          invalid = true;
        }
      }
      if (invalid) return settle(invalidField('body', 'is not valid UTF-8'));
      settle(undefined, parts.length === 1 ? parts[0] : parts.join(''));
    };
    const onError = () => settle(problem('validation', 'request body could not be read'));
    const onClose = () => settle(problem('validation', 'request body could not be read'));
    req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Stops reading a refused body, as raw-body did (unpipe, pause): the rest of it is not read into memory. */
function halt(req: IncomingMessage): void {
  req.unpipe();
  req.pause();
}

/**
 * One pass over JSON text, before it is parsed: how many objects and arrays it opens, whether they
 * nest deeper than `max`, and whether a large object or array is denser in values than
 * `MIN_BYTES_PER_VALUE`. Brackets and commas inside strings are skipped. Invalid JSON may be
 * misjudged here, but the parse refuses it anyway. (Walking the parsed value instead took a second
 * and a copy of every key list for an 8 MiB object of 700,000 keys.)
 */
function shape(text: string, max: number): { containers: number; tooDeep: boolean; denseValues: boolean } {
  let containers = 0;
  let depth = 0;
  let tooDeep = false;
  let denseValues = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      // a string: skip to its closing quote, over escapes
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 92) i++;
        else if (d === 34) break;
      }
    } else if (c === 44) {
      if (depth > 0 && depth <= max) commas[depth]++;
    } else if (c === 123 || c === 91) {
      containers++;
      if (++depth > max) tooDeep = true;
      else {
        starts[depth] = i;
        commas[depth] = 0;
      }
    } else if (c === 125 || c === 93) {
      if (depth > 0 && depth <= max) {
        const values = commas[depth] + 1;
        if (values > LARGE_CONTAINER && i - starts[depth] < values * MIN_BYTES_PER_VALUE) denseValues = true;
      }
      if (depth > 0) depth--;
    }
  }
  return { containers, tooDeep, denseValues };
}

/** Where each open object or array starts, and the commas met in it, by depth (a body nests at most MAX_DEPTH). */
const starts = new Int32Array(MAX_DEPTH + 2);
const commas = new Int32Array(MAX_DEPTH + 2);
