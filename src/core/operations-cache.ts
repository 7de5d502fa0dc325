// What start-up computes from each spec, remembered on disk between starts: Prism's operations
// (every `$ref` resolved) and the parsed document whose schemas check stored records.
//
// Computing the operations costs most of a second per spec at each start, and needs ~430 modules
// (Prism's dereferencer, its Swagger 2 and Postman converters) that nothing else loads; parsing the
// YAML costs a few hundred milliseconds more (and the YAML library) when stored records are checked.
// Reading either back from a V8 serialization takes milliseconds. The cache is only ever a copy: an
// entry's name is a hash of everything the result depends on (the spec's bytes, the versions of
// the packages that compute it, the serialization format), so any change of an input is another
// name, hence a miss; an unreadable entry is computed again and rewritten; a missing or read-only
// folder only costs time. `SANDBOX_CACHE_DIR` moves the folder (`off` turns the cache off).
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { IHttpOperation } from '@stoplight/types';

/** Bumped when what is stored changes shape. */
const FORMAT = 1;

/** The cache folder: `SANDBOX_CACHE_DIR`, else `$XDG_CACHE_HOME` or `~/.cache`, `/banking-api-sandbox`; null when off. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.SANDBOX_CACHE_DIR !== undefined) return env.SANDBOX_CACHE_DIR === 'off' || env.SANDBOX_CACHE_DIR === '' ? null : env.SANDBOX_CACHE_DIR;
  let home: string;
  try {
    home = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  } catch {
    return null;
  }
  return join(home, 'banking-api-sandbox');
}

type Chain = ReadonlyArray<[from: string, name: string]>;

/**
 * The packages that turn a spec into operations, each resolved from the package that loads it:
 * Prism's operations module, the OpenAPI converter, the dereferencer, and their JSON and YAML helpers.
 */
const OPERATIONS_CHAIN: Chain = [
  ['', '@stoplight/prism-http'],
  ['@stoplight/prism-http', '@stoplight/http-spec'],
  ['@stoplight/prism-http', '@stoplight/json-schema-ref-parser'],
  ['@stoplight/prism-http', '@stoplight/json'],
  ['@stoplight/prism-http', 'lodash'],
  ['@stoplight/json-schema-ref-parser', '@stoplight/yaml'],
  ['@stoplight/yaml', '@stoplight/yaml-ast-parser'],
];
/** The YAML library that parses a spec into the document whose schemas check stored records. */
const DOCUMENT_CHAIN: Chain = [['', 'yaml']];

const versions = new Map<Chain, string>();

/** `name@version` of each package of a chain. */
function dependencyVersions(chain: Chain): string {
  let found = versions.get(chain);
  if (found === undefined) {
    const require = createRequire(import.meta.url);
    const entries = new Map<string, string>();
    const named: string[] = [];
    for (const [from, name] of chain) {
      const entry = (from ? createRequire(entries.get(from)!) : require).resolve(name);
      entries.set(name, entry);
      named.push(`${name}@${packageVersionAt(entry, name)}`);
    }
    versions.set(chain, (found = named.join(' ')));
  }
  return found;
}

/** The version in the package.json of package `name` that holds the file `entry`. */
function packageVersionAt(entry: string, name: string): string {
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === name) return String(pkg.version);
    } catch {
      // no package.json here: look further up
    }
  }
  return 'unknown';
}

/** The cache entry's file for a spec with these bytes, in the folder of one kind of result. */
function entryFile(dir: string, kind: 'operations' | 'documents', chain: Chain, specFile: string, bytes: Buffer): string {
  const key = createHash('sha256')
    .update(`${kind} format ${FORMAT}\0v8 ${process.versions.v8}\0${dependencyVersions(chain)}\0`)
    .update(bytes)
    .digest('hex');
  return join(dir, kind, `${basename(specFile)}.${key.slice(0, 40)}.v8`);
}

/** The cache entry's file for the operations of a spec with these bytes. */
export function operationsCacheFile(dir: string, specFile: string, bytes: Buffer): string {
  return entryFile(dir, 'operations', OPERATIONS_CHAIN, specFile, bytes);
}

/** The cache entry's file for the parsed document of a spec with these bytes. */
export function documentCacheFile(dir: string, specFile: string, bytes: Buffer): string {
  return entryFile(dir, 'documents', DOCUMENT_CHAIN, specFile, bytes);
}

/** What an entry holds; undefined when it is missing, unreadable or not `expected`. */
function readEntry<T>(file: string, expected: (value: unknown) => value is T): T | undefined {
  try {
    const cached = deserialize(readFileSync(file)) as unknown;
    if (expected(cached)) return cached;
  } catch {
    // no entry yet, or an unreadable one: compute (and rewrite) it
  }
  return undefined;
}

/** Stores an entry, replacing older entries for a spec of the same file name; failures only cost time. */
function writeEntry(file: string, specFile: string, bytes: Buffer, value: unknown): void {
  // The spec changed while it was being read: what was computed may not be these bytes'.
  if (!readFileSync(specFile).equals(bytes)) return;
  try {
    const folder = dirname(file);
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    writeFileSync(temporary, serialize(value), { mode: 0o600 });
    renameSync(temporary, file);
    // Bounded: one entry per spec file name (an edited spec leaves no trail of old entries).
    const prefix = `${basename(specFile)}.`;
    for (const name of readdirSync(folder)) {
      if (name.startsWith(prefix) && name !== basename(file) && /^[0-9a-f]{40}\.v8$/.test(name.slice(prefix.length))) {
        try {
          unlinkSync(join(folder, name));
        } catch {
          // another process removed it
        }
      }
    }
  } catch {
    // a read-only or missing home: the cache only saves time
  }
}

/**
 * The operations of `specFile`: from the cache when an entry for exactly these inputs is there,
 * else from `compute` (then stored, replacing older entries for a spec of the same file name).
 * `dir: null` computes every time.
 */
export async function cachedOperations(
  specFile: string,
  compute: (specFile: string) => Promise<IHttpOperation[]>,
  dir: string | null = defaultCacheDir(),
): Promise<IHttpOperation[]> {
  if (!dir) return compute(specFile);
  const bytes = readFileSync(specFile);
  const file = operationsCacheFile(dir, specFile, bytes);
  const cached = readEntry(file, (value): value is IHttpOperation[] => Array.isArray(value));
  if (cached) return cached;
  const operations = await compute(specFile);
  writeEntry(file, specFile, bytes, operations);
  return operations;
}

/**
 * The parsed document of `specFile` (`parse` turns its text into it): from the cache when an entry
 * for exactly these bytes is there, else parsed and stored. `dir: null` parses every time.
 */
export function cachedSpecDocument(
  specFile: string,
  parse: (text: string) => Record<string, unknown>,
  dir: string | null = defaultCacheDir(),
): Record<string, unknown> {
  const bytes = readFileSync(specFile);
  if (!dir) return parse(bytes.toString('utf8'));
  const file = documentCacheFile(dir, specFile, bytes);
  const cached = readEntry(file, (value): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value));
  if (cached) return cached;
  const document = parse(bytes.toString('utf8'));
  writeEntry(file, specFile, bytes, document);
  return document;
}
