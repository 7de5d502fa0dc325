// Fixture dates, placed per sandbox. Fixtures are generated around FIXTURE_REFERENCE_DATE and
// shared, frozen, by every sandbox; each sandbox sees the date fields an API names in
// `fixtureDates` moved by the whole days from that date to its clock's epoch (the sandbox's time
// when it was created), so data meant to be recent is recent for that sandbox, and stays put
// while its clock moves. Records a sandbox wrote hold their own dates and are shown as stored.
import type { ApiData, Collection, Row, Store } from './store.js';
import { daysSinceFixtureReference, shiftRecord } from './fixtures.js';

type Fields = Record<string, readonly string[]>;

/** Per API and collection: the fixture rows, and their shifted copies per number of days. */
interface ShiftCache {
  baseRows: WeakSet<object>;
  byDays: Map<number, WeakMap<object, Row>>;
}

/** At most this many distinct shifts are cached per collection (one per epoch day in use). */
const MAX_SHIFTS = 64;

export class FixtureView {
  private readonly caches = new Map<string, ShiftCache>();

  constructor(
    private readonly store: Store,
    private readonly fieldsOf: ReadonlyMap<string, Fields>,
  ) {}

  /** The API's data in a sandbox, its fixture dates placed relative to `epoch`. */
  data(raw: ApiData, api: string, epoch: Date): ApiData {
    const fields = this.fieldsOf.get(api);
    const days = daysSinceFixtureReference(epoch);
    if (!fields || days === 0) return raw;
    return {
      collection: <T extends object = Row>(name: string): Collection<T> => {
        const names = fields[name];
        const inner = raw.collection<T>(name);
        return names ? (this.shifted(inner, api, name, names, days) as unknown as Collection<T>) : inner;
      },
    };
  }

  private cache(api: string, name: string): ShiftCache {
    const key = `${api}/${name}`;
    let cache = this.caches.get(key);
    if (!cache) {
      cache = { baseRows: new WeakSet(this.store.base.collection(api, name).rows.values()), byDays: new Map() };
      this.caches.set(key, cache);
    }
    return cache;
  }

  private shifted<T extends object>(inner: Collection<T>, api: string, name: string, names: readonly string[], days: number) {
    const cache = this.cache(api, name);
    let copies = cache.byDays.get(days);
    if (!copies) {
      if (cache.byDays.size >= MAX_SHIFTS) cache.byDays.delete(cache.byDays.keys().next().value!);
      copies = new WeakMap();
      cache.byDays.set(days, copies);
    }
    const view = (row: T): T => {
      if (!cache.baseRows.has(row)) return row;
      let copy = copies.get(row);
      if (!copy) {
        copy = Object.freeze(shiftRecord(row as Row, names, days));
        copies.set(row, copy);
      }
      return copy as T;
    };
    const dateField = new Set(names);
    return {
      get: (key: string) => {
        const row = inner.get(key);
        return row === undefined ? undefined : view(row);
      },
      has: (key: string) => inner.has(key),
      *entries(): IterableIterator<[string, T]> {
        for (const [key, row] of inner.entries()) yield [key, view(row)];
      },
      *oldestFirst(): IterableIterator<[string, T]> {
        for (const [key, row] of inner.oldestFirst()) yield [key, view(row)];
      },
      values: () => inner.values().map(view),
      get size() {
        return inner.size;
      },
      where: (field: string, value: unknown) =>
        dateField.has(field)
          ? inner.values().map(view).filter(row => (row as Record<string, unknown>)[field] === value)
          : inner.where(field, value).map(view),
      put: (key: string, row: T) => inner.put(key, row),
      remove: (key: string) => inner.remove(key),
    };
  }
}
