// Data management and snapshots: records of any API's collections in a sandbox, read and written
// through the admin API. Every record written is checked against its collection's spec schema and
// the API's own `beforeAdminWrite` business rules; a snapshot is checked whole before it replaces
// anything.
import { isDeepStrictEqual } from 'node:util';
import mergePatch from 'json-merge-patch';
import type { CollectionSpec } from '../core/api-module.js';
import type { LoadedApi } from '../core/pipeline.js';
import { HttpProblem, invalidField, problem, type FieldProblem } from '../core/problem.js';
import { SpecSchemas } from '../core/schemas.js';
import type { ChangesJson, RecordCheck, Row, Store } from '../core/store.js';
import { META_API, META_COLLECTION, metaRecordProblems } from '../core/clock.js';

type JsonObject = Record<string, unknown>;

/** A whole sandbox as JSON: api → collection → key → record. */
export interface Snapshot {
  format: typeof SNAPSHOT_FORMAT;
  sandbox: string;
  seed: number;
  exportedAt: string;
  apis: Record<string, Record<string, Record<string, JsonObject>>>;
}

export const SNAPSHOT_FORMAT = 'banking-api-sandbox/snapshot@1';
/** A bad snapshot is reported with at most this many problems. */
const MAX_PROBLEMS = 50;

/** A listed record; `change` says how the sandbox changed it, when listing changes first. */
export interface PageEntry {
  key: string;
  record: Row;
  change?: 'added' | 'modified' | 'deleted';
}


export interface Page {
  offset: number;
  limit: number;
  total: number;
  data: Array<{ key: string; record: Row }>;
}

export class SandboxRecords {

  constructor(
    private readonly store: Store,
    private readonly apis: readonly LoadedApi[],
    /** The sandbox's clock. */
    private readonly now: (sandbox: string) => Date,
    /** Called after a write to a sandbox (it stores the sandbox's clock, as a provider request does). */
    private readonly changed: (sandbox: string) => void = () => undefined,
  ) {}

  /**
   * A page of a collection's records. `changes: 'first'` puts what the sandbox changed first (the
   * latest change first), each marked `added`, `modified` or `deleted` (a deleted fixture record is
   * listed with its fixture values), then the untouched records; `changes: 'only'` lists just the
   * changed ones.
   */
  list(sandbox: string, api: string, collection: string, offset: number, limit: number, changes?: 'first' | 'only'): Page {
    this.collectionSpec(api, collection);
    const rows = this.store.sandbox(sandbox).collection(api, collection);
    if (!changes) {
      const data = Array.from(rows.entries(), ([key, record]) => ({ key, record })).slice(offset, offset + limit);
      return { offset, limit, total: rows.size, data };
    }
    const changed = this.store.overlay(sandbox, api, collection) ?? new Map<string, Row | null>();
    const base = this.store.base.collection(api, collection).rows;
    const marked: PageEntry[] = [...changed]
      .reverse()
      .flatMap(([key, record]): PageEntry[] => {
        if (record === null) {
          const was = base.get(key);
          return was ? [{ key, record: was, change: 'deleted' }] : [];
        }
        return [{ key, record, change: base.has(key) ? 'modified' : 'added' }];
      });
    const all = changes === 'only' ? marked : [...marked, ...Array.from(rows.entries(), ([key, record]) => ({ key, record })).filter(r => !changed.has(r.key))];
    return { offset, limit, total: all.length, data: all.slice(offset, offset + limit) };
  }

  get(sandbox: string, api: string, collection: string, key: string): Row {
    this.collectionSpec(api, collection);
    const record = this.store.sandbox(sandbox).collection(api, collection).get(key);
    if (!record) throw problem('not_found', `${api} ${collection} has no record ${key} in sandbox ${sandbox}`);
    return record;
  }

  /** Adds a record under the key its collection derives from it; 409 when that key is taken. */
  create(sandbox: string, api: string, collection: string, record: JsonObject): { key: string; record: Row } {
    const spec = this.collectionSpec(api, collection);
    const key = keyOf(spec, record);
    if (key === undefined) {
      throw invalidField('body.id', `is missing: ${api} ${collection} records do not carry their key, so store one with PUT .../${collection}/{key}`, 'key');
    }
    if (this.store.sandbox(sandbox).collection(api, collection).has(key)) {
      throw problem('conflict', `${api} ${collection} already has a record ${key} in sandbox ${sandbox}; replace it with PUT`);
    }
    return { key, record: this.write(sandbox, api, collection, key, record) };
  }

  /** Creates or replaces the record stored under `key`. */
  put(sandbox: string, api: string, collection: string, key: string, record: JsonObject): { created: boolean; record: Row } {
    this.collectionSpec(api, collection);
    const created = !this.store.sandbox(sandbox).collection(api, collection).has(key);
    return { created, record: this.write(sandbox, api, collection, key, record) };
  }

  /** Applies a JSON merge patch (RFC 7396) to a record: given fields replace, `null` removes one. */
  patch(sandbox: string, api: string, collection: string, key: string, patch: JsonObject): Row {
    const previous = this.get(sandbox, api, collection, key);
    const record = mergePatch.apply(structuredClone(previous), patch) as JsonObject;
    return this.write(sandbox, api, collection, key, record);
  }

  remove(sandbox: string, api: string, collection: string, key: string): void {
    const previous = this.get(sandbox, api, collection, key);
    const { module } = this.api(api);
    const data = this.store.sandbox(sandbox).api(api);
    module.beforeAdminWrite?.({ collection, key, record: null, previous, now: this.now(sandbox) }, data);
    data.collection(collection).remove(key);
    this.changed(sandbox);
  }

  /** Every record of every API in the sandbox. */
  exportSnapshot(sandbox: string): Snapshot {
    const apis: Snapshot['apis'] = {};
    for (const { module } of this.apis) {
      apis[module.slug] = {};
      for (const name of Object.keys(module.collections)) {
        apis[module.slug][name] = Object.fromEntries(this.store.sandbox(sandbox).collection(module.slug, name).entries());
      }
    }
    // The sandbox's own state (its clock, its id counter) travels with it.
    const meta = Object.fromEntries(this.store.sandbox(sandbox).collection(META_API, META_COLLECTION).entries());
    if (Object.keys(meta).length) apis[META_API] = { [META_COLLECTION]: meta };
    return { format: SNAPSHOT_FORMAT, sandbox, seed: this.store.seed, exportedAt: this.now(sandbox).toISOString(), apis };
  }

  /**
   * Makes the sandbox hold exactly the snapshot's records; APIs and collections the snapshot leaves
   * out start from the fixtures. The whole snapshot is checked first: a bad one changes nothing.
   * Only differences from the fixtures are stored.
   */
  importSnapshot(sandbox: string, snapshot: Pick<Snapshot, 'apis'>): { changes: number } {
    const problems: FieldProblem[] = [];
    for (const [api, collections] of Object.entries(snapshot.apis)) {
      if (api === META_API) {
        problems.push(...metaRecordProblems(collections, `body.apis.${META_API}`));
        continue;
      }
      if (!this.apis.some(a => a.module.slug === api)) {
        problems.push({ field: `body.apis.${api}`, message: `is not an API of this server (${this.slugs()})`, rule: 'api' });
        continue;
      }
      for (const [collection, records] of Object.entries(collections)) {
        const spec = this.api(api).module.collections[collection] as CollectionSpec | undefined;
        if (!spec || !Object.hasOwn(this.api(api).module.collections, collection)) {
          problems.push({ field: `body.apis.${api}.${collection}`, message: `is not a collection of ${api} (${this.collectionNames(api)})`, rule: 'collection' });
          continue;
        }
        for (const [key, record] of Object.entries(records)) {
          problems.push(...this.recordProblems(api, collection, key, record, `body.apis.${api}.${collection}.${key}`));
          if (problems.length >= MAX_PROBLEMS) break;
        }
      }
    }
    if (problems.length) {
      const shown = problems.slice(0, MAX_PROBLEMS);
      throw new HttpProblem(400, 'validation', `the snapshot was not imported, nothing changed: ${shown.map(p => `${p.field} ${p.message}`).join('; ')}`, {
        fields: shown,
      });
    }

    const changes: ChangesJson = {};
    let count = 0;
    for (const [api, collections] of Object.entries(snapshot.apis)) {
      for (const [collection, records] of Object.entries(collections)) {
        const fixtures = this.store.base.collection(api, collection).rows;
        const changed: Record<string, Row | null> = {};
        for (const [key, record] of Object.entries(records)) {
          if (!isDeepStrictEqual(fixtures.get(key), record)) changed[key] = record;
        }
        for (const key of fixtures.keys()) if (!Object.hasOwn(records, key)) changed[key] = null;
        if (Object.keys(changed).length) {
          (changes[api] ??= {})[collection] = changed;
          if (api !== META_API) count += Object.keys(changed).length;
        }
      }
    }
    void this.store.replaceChanges(sandbox, Object.keys(changes).length ? changes : undefined);
    return { changes: count };
  }

  /** Checks, applies the API's business rules, checks again, and stores. */
  private write(sandbox: string, api: string, collection: string, key: string, record: JsonObject): Row {
    const fail = (fields: FieldProblem[]) => {
      throw new HttpProblem(400, 'validation', fields.map(p => `${p.field} ${p.message}`).join('; '), { fields });
    };
    const before = this.recordProblems(api, collection, key, record, 'body');
    if (before.length) fail(before);
    const data = this.store.sandbox(sandbox).api(api);
    const previous = data.collection(collection).get(key);
    const hook = this.api(api).module.beforeAdminWrite;
    const stored = (hook ? hook({ collection, key, record, previous, now: this.now(sandbox) }, data) : record) as JsonObject | null;
    if (!stored) throw problem('internal', `${api}'s beforeAdminWrite returned no record for ${collection} ${key}`);
    const after = this.recordProblems(api, collection, key, stored, 'body');
    if (after.length) fail(after);
    void data.collection(collection).put(key, stored);
    this.changed(sandbox);
    return data.collection(collection).get(key)!;
  }

  private recordProblems(api: string, collection: string, key: string, record: unknown, field: string): FieldProblem[] {
    const spec = this.collectionSpec(api, collection);
    if (typeof record !== 'object' || record === null || Array.isArray(record)) return [{ field, message: 'must be an object', rule: 'type' }];
    const { schemaProblems, keyedAs } = storedRecordProblems(spec, this.api(api).specFile, key, record as JsonObject);
    const problems: FieldProblem[] = schemaProblems.map(line => {
      const [path, ...rest] = line.split(' ');
      return { field: path === '/' ? field : `${field}${path.replaceAll('/', '.')}`, message: rest.join(' '), rule: spec.schema };
    });
    if (keyedAs !== undefined) problems.push({ field, message: `is stored under key "${keyedAs}", not "${key}"`, rule: 'key' });
    return problems;
  }

  private collectionSpec(api: string, collection: string): CollectionSpec {
    const { module } = this.api(api);
    if (!Object.hasOwn(module.collections, collection)) {
      throw problem('not_found', `${api} has no collection ${collection}; collections: ${this.collectionNames(api)}`);
    }
    return module.collections[collection];
  }

  private api(slug: string): LoadedApi {
    const api = this.apis.find(a => a.module.slug === slug);
    if (!api) throw problem('not_found', `no API ${slug} is served here; APIs: ${this.slugs()}`);
    return api;
  }

  private slugs = () => this.apis.map(a => a.module.slug).join(', ');
  private collectionNames = (api: string) => Object.keys(this.api(api).module.collections).join(', ');
}

/**
 * The key a record is stored under: the collection's `keyOf`, or its `id`; undefined when the record
 * does not carry its key (e.g. idempotency records kept under a key made from request headers).
 */
export function keyOf(spec: CollectionSpec, record: JsonObject): string | undefined {
  if (spec.keyOf) return spec.keyOf(record);
  return typeof record.id === 'string' || typeof record.id === 'number' ? String(record.id) : undefined;
}


/**
 * Whether a record may be stored under `key` in a collection (admin writes, snapshots, and the
 * stored data at start-up): its problems against the collection's schema, as `path message`
 * lines, and — when it follows the schema — the key it belongs under if that is not `key`.
 */
export function storedRecordProblems(spec: CollectionSpec, specFile: string, key: string, record: JsonObject): { schemaProblems: string[]; keyedAs?: string } {
  const schemaProblems = SpecSchemas.of(specFile).validate(spec.schema, record);
  if (schemaProblems.length) return { schemaProblems };
  const derived = keyOf(spec, record);
  return { schemaProblems, ...(derived !== undefined && derived !== key ? { keyedAs: derived } : {}) };
}

/**
 * Start-up check of a stored record: it follows its collection's schema and sits under its own key.
 * Records of APIs this server does not serve are kept as they are, unchecked (and unreachable).
 * (Also run by the built command's worker thread, src/precheck.ts: keep its imports light.)
 */
export function storedRecordCheck(apis: readonly Pick<LoadedApi, 'module' | 'specFile'>[]): RecordCheck {
  // Called for every stored record: the check of each collection is looked up once.
  type Check = (key: string, record: Row) => string | undefined;
  const checks = new Map<string, Map<string, Check>>();
  const checkOf = (api: string, collection: string): Check => {
    const loaded = apis.find(a => a.module.slug === api);
    if (!loaded || api === META_API) return () => undefined;
    if (!Object.hasOwn(loaded.module.collections, collection)) return () => `${api} has no collection ${collection}`;
    const spec = loaded.module.collections[collection];
    // The verdict first (most records are fine): the problems are worked out only for a record that has some.
    const valid = SpecSchemas.of(loaded.specFile).validator(spec.schema);
    return (key, record) => {
      if (valid(record)) {
        const keyedAs = keyOf(spec, record as Record<string, unknown>);
        return keyedAs === undefined || keyedAs === key ? undefined : keyedUnder(key, keyedAs);
      }
      const { schemaProblems, keyedAs } = storedRecordProblems(spec, loaded.specFile, key, record as Record<string, unknown>);
      if (schemaProblems.length) return `does not follow schema ${spec.schema}: ${schemaProblems.slice(0, 3).join('; ')}`;
      if (keyedAs !== undefined) return keyedUnder(key, keyedAs);
      return undefined;
    };
  };
  const keyedUnder = (key: string, keyedAs: string) => `is stored under key ${JSON.stringify(key)} but its key is ${JSON.stringify(keyedAs)}`;
  return (api, collection, key, record) => {
    let byCollection = checks.get(api);
    if (!byCollection) checks.set(api, (byCollection = new Map()));
    let check = byCollection.get(collection);
    if (!check) byCollection.set(collection, (check = checkOf(api, collection)));
    return check(key, record);
  };
}
