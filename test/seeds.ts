// The provider documentation pages the sandbox is built from (`../shared/seeds/` beside the project,
// as CI lays it out), read for their example requests and responses.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** `../shared` beside the project (CI, /work/main); a worktree one level deeper finds it one level up. */
export function sharedDir(): string {
  const candidates = [process.env.SANDBOX_SHARED_DIR, join(root, '..', 'shared'), join(root, '..', '..', 'shared')].filter((d): d is string => !!d);
  const found = candidates.find(d => existsSync(join(d, 'seeds')));
  if (!found) throw new Error(`no shared/seeds beside the project (looked in ${candidates.join(', ')}); set SANDBOX_SHARED_DIR`);
  return found;
}

export function seed(file: string): string {
  return readFileSync(join(sharedDir(), 'seeds', file), 'utf8');
}

/** One request a documentation page shows, with the response it shows after it (if any). */
export interface ExampleRequest {
  method: string;
  /** Path with its query, as printed (below the provider's base URL). */
  path: string;
  headers: Record<string, string>;
  /** The body text as printed, if any. */
  body?: string;
  /** The response example that follows the request in the page, parsed. */
  response?: { status?: number; body: unknown };
}

/** JSON as documentation pages print it: trailing commas allowed. */
export function lenientJson(text: string): unknown {
  return JSON.parse(text.replace(/,(\s*[}\]])/g, '$1'));
}

/** The balanced `{…}` starting at `start` in `text`. */
export function jsonBlockAt(text: string, start: number): string {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return text.slice(start, i + 1);
    }
  }
  throw new Error(`unbalanced JSON at ${start}`);
}

/**
 * An HTTP message as printed in a code block: the request or status line, header lines, a blank
 * line and the body.
 */
function parseHttpMessage(text: string): { startLine: string; headers: Record<string, string>; body?: string } {
  const lines = text.replace(/^\n+/, '').split('\n');
  const startLine = lines.shift()!.trim();
  const headers: Record<string, string> = {};
  while (lines.length && lines[0].trim() !== '' && /^[A-Za-z-]+\s*:/.test(lines[0])) {
    const line = lines.shift()!;
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  const body = lines.join('\n').trim();
  return { startLine, headers, body: body === '' ? undefined : body };
}

/**
 * PayEx's page is an XWiki diff: numbered `+` lines with `{{code language="http" title="**Request**"}}`
 * blocks, each request followed by its response block, if the page shows one.
 */
export function payexExamples(page: string): ExampleRequest[] {
  const source = page
    .split('\n')
    .map(line => line.replace(/^\d+ \+/, ''))
    .join('\n');
  const blocks = [...source.matchAll(/\{\{code language="http" title="\*\*(Request|Response)\*\*"\}\}\n([\s\S]*?)\{\{\/code\}\}/g)];
  const examples: ExampleRequest[] = [];
  for (const [, kind, content] of blocks) {
    const message = parseHttpMessage(content);
    if (kind === 'Request') {
      const [method, path] = message.startLine.split(/\s+/);
      examples.push({ method, path, headers: message.headers, body: message.body });
    } else {
      const status = Number(message.startLine.split(/\s+/)[1]);
      examples.at(-1)!.response = { status, body: message.body === undefined ? undefined : lenientJson(message.body) };
    }
  }
  return examples;
}

/**
 * bankingservice.ai's page (GitBook): each operation prints its request (`GET /v1/… HTTP/1.1`,
 * headers, a blank line and the body for POST and PUT), then its 200 response body.
 */
export function bankingserviceExamples(page: string): ExampleRequest[] {
  const examples: ExampleRequest[] = [];
  const requestLine = /^(GET|POST|PUT|PATCH|DELETE) (\/\S+) HTTP\/1\.1$/gm;
  for (const match of page.matchAll(requestLine)) {
    const start = match.index!;
    let at = start + match[0].length + 1;
    const headers: Record<string, string> = {};
    for (;;) {
      const end = page.indexOf('\n', at);
      const line = page.slice(at, end);
      const header = /^([A-Za-z-]+): (.*)$/.exec(line);
      if (!header) break;
      headers[header[1]] = header[2];
      at = end + 1;
    }
    let body: string | undefined;
    let next = page.indexOf('{', at);
    if (page.slice(at, next).trim() === '' && (match[1] === 'POST' || match[1] === 'PUT')) {
      body = jsonBlockAt(page, next);
      next = page.indexOf('{', next + body.length);
    }
    const response = lenientJson(jsonBlockAt(page, next));
    examples.push({ method: match[1], path: match[2], headers, body, response: { body: response } });
  }
  return examples;
}

/**
 * Upvest's page: each operation is `get /path` followed by its parameters, an optional `Request`
 * JSON and its response (`ExamplesSchema`, a description, the JSON or "Empty response").
 */
export function upvestExamples(page: string): ExampleRequest[] {
  const operations = [...page.matchAll(/^(get|post|put|patch|delete) (\/\S+)$/gm)];
  return operations.map((match, index) => {
    const end = index + 1 < operations.length ? operations[index + 1].index! : page.length;
    const section = page.slice(match.index!, end);
    const request = /\nRequest\n\n\{/.exec(section);
    const body = request ? jsonBlockAt(section, request.index + request[0].length - 1) : undefined;
    const examplesAt = section.indexOf('ExamplesSchema');
    const responseStart = section.indexOf('{', examplesAt);
    const response = responseStart === -1 ? undefined : { body: lenientJson(jsonBlockAt(section, responseStart)) };
    return { method: match[1].toUpperCase(), path: match[2], headers: {}, body, response };
  });
}

/** PagoNxt's page: the response examples by status (`200`, then `400` … `504` as `example-1` or `errNNNExample`). */
export function pagonxtResponses(page: string): Array<{ status: number; body: unknown }> {
  const found: Array<{ status: number; body: unknown }> = [];
  for (const match of page.matchAll(/^(\d{3})\n\n[^\n]*\n\n(?:[A-Za-z0-9-]+\n)?\{/gm)) {
    const open = match.index! + match[0].length - 1;
    found.push({ status: Number(match[1]), body: lenientJson(jsonBlockAt(page, open)) });
  }
  return found;
}

/** A JSON value's type as JSON names it (`integer` and `number` are both `number`). */
function jsonType(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

/** Exceptions to exact shape equality, by path (`$.view.next`, array indices as `[]`), each with its reason. */
export interface ShapeExceptions {
  /** Fields the sandbox answers that the example omits but the page documents elsewhere (its property tables). */
  extra?: Record<string, string>;
  /** Fields the example shows that the sandbox may leave out, and why. */
  optional?: Record<string, string>;
}

const normalizedPath = (path: string) => path.replace(/\[\d+\]/g, '[]');

/**
 * Every difference in shape between a documented example and an answer: field names and JSON types
 * at every level. In an array, each documented element must have an answered element of exactly its
 * shape, and each answered element may only have fields of a documented element, of the same types
 * (a field left out or null is an optional value the element does not have).
 */
export function shapeDifferences(example: unknown, actual: unknown, exceptions: ShapeExceptions = {}, path = '$', subset = false): string[] {
  const expected = jsonType(example);
  const got = jsonType(actual);
  if (subset && got === 'null') return [];
  if (expected !== got) return [`${path}: documented ${expected}, answered ${got}`];
  if (expected === 'array') {
    const ex = example as unknown[];
    const ac = actual as unknown[];
    if (ex.length && !ac.length) return [`${path}: documented ${ex.length} element(s), answered none`];
    const problems: string[] = [];
    ex.forEach((e, i) => {
      if (!ac.some((a, j) => shapeDifferences(e, a, exceptions, `${path}[${j}]`).length === 0)) {
        problems.push(`${path}[${i}] (documented) has no answered element of its shape: ${shapeDifferences(e, ac[0], exceptions, `${path}[0]`).join('; ')}`);
      }
    });
    ac.forEach((a, i) => {
      if (ex.length && !ex.some(e => shapeDifferences(e, a, exceptions, `${path}[${i}]`, true).length === 0)) {
        problems.push(`${path}[${i}] (answered) has fields no documented element has: ${shapeDifferences(ex[0], a, exceptions, `${path}[${i}]`, true).join('; ')}`);
      }
    });
    return problems;
  }
  if (expected === 'object') {
    const ex = example as Record<string, unknown>;
    const ac = actual as Record<string, unknown>;
    const problems: string[] = [];
    for (const key of Object.keys(ex)) {
      const at = `${path}.${key}`;
      if (!(key in ac)) {
        if (!subset && !exceptions.optional?.[normalizedPath(at)]) problems.push(`${at}: documented, missing`);
      } else problems.push(...shapeDifferences(ex[key], ac[key], exceptions, at, subset));
    }
    for (const key of Object.keys(ac)) {
      const at = `${path}.${key}`;
      if (!(key in ex) && !exceptions.extra?.[normalizedPath(at)]) problems.push(`${at}: answered, not documented`);
    }
    return problems;
  }
  return [];
}

/** A file of `../shared` (e.g. `PROVIDERS.md`). */
export function readShared(file: string): string {
  return readFileSync(join(sharedDir(), file), 'utf8');
}
