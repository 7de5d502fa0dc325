// A clock per sandbox. By default a sandbox follows the server's time; it can be frozen at an
// instant, set forward, or advanced by an ISO 8601 duration — never moved backwards. Its state is
// a record in the sandbox's reserved `_sandbox/meta` collection, stored like any other change, so
// reset, snapshots, persistence and every backend carry it. Moving a clock runs each API's
// day rules (`passDay`) for every day crossed, in order.
import { DateTime, Duration } from 'luxon';
import { problem } from './problem.js';
import type { ApiData, Store } from './store.js';

/** The reserved pseudo-API and collection holding a sandbox's own state (clock, id counter). */
export const META_API = '_sandbox';
export const META_COLLECTION = 'meta';
const CLOCK_KEY = 'clock';

/** The stored state of a sandbox's clock. */
export interface ClockRecord {
  /** `frozen` stays at `at`; `running` is the server's time plus `offsetMs`. */
  mode: 'frozen' | 'running';
  at?: string;
  offsetMs?: number;
  /** The sandbox's time when it was created: its fixture dates are placed relative to this day. */
  epoch: string;
  /** The last day (`YYYY-MM-DD`) whose day rules have run. */
  ranThrough: string;
}

/** A clock as the admin API shows it. */
export interface ClockView {
  sandbox: string;
  now: string;
  /** `real`: the server's time; `frozen`: stands still; `running`: ticks, ahead of the server's time. */
  mode: 'real' | 'frozen' | 'running';
  /** How far ahead of the server's time the clock runs (`running`), in seconds. */
  offsetSeconds?: number;
  /** The day the sandbox's fixture dates are placed relative to. */
  fixturesPlacedAt: string;
}

/** Something a day rule did, for the journal and the dashboard's timeline. */
export interface TimelineEntry {
  /** e.g. `bill`, `reminder`, `payment`, `capture`, `closure`, `interest`. */
  kind: string;
  /** One line, e.g. `bill 100012 of 1 250.00 SEK for account 1234567, due 2026-12-28`. */
  summary: string;
  /** The provider API path of what it produced or changed, below the API prefix. */
  path?: string;
}

/** What an API's `passDay` gets: its data in the sandbox, and the day that passes. */
export interface DayContext {
  data: ApiData;
  /** The day that passes (`YYYY-MM-DD`), in UTC. */
  day: string;
  /** An instant on that day, for timestamps of what the rules produce. */
  now: Date;
  sandbox: string;
}

/** An API's rules for time passing: called once per day crossed, in order. */
export type PassDay = (ctx: DayContext) => TimelineEntry[];

/** A timeline entry with where and when it happened. */
export interface ClockEvent extends TimelineEntry {
  sandbox: string;
  api: string;
  /** The day it happened on, as the sandbox's time (an ISO instant). */
  time: string;
}

export interface ClockOptions {
  store: Store;
  /** The server's time (tests pin it). */
  serverNow?: () => Date;
  /** `--clock`: every new sandbox starts frozen at this instant. */
  start?: Date;
  /** Day rules per API slug. */
  rules?: ReadonlyArray<{ api: string; passDay: PassDay }>;
  /** A sandbox's data for an API as its handlers see it (default: the store's). */
  data?: (sandbox: string, api: string) => ApiData;
  /** Receives what the rules did. */
  onEvent?: (event: ClockEvent) => void;
}

const DAY_MS = 86_400_000;
/** The most days one move of a clock may cross (its rules run for each, blocking the server): 5 years. */
export const MAX_DAYS_PER_MOVE = 1830;

/** `YYYY-MM-DD` of an instant (UTC). The last day's text is kept: every request asks for today's. */
export function isoDay(date: Date): string {
  const ms = date.getTime();
  if (ms >= dayStart && ms < dayStart + DAY_MS) return dayText;
  const text = date.toISOString().slice(0, 10); // throws for an invalid date, as before
  dayStart = Math.floor(ms / DAY_MS) * DAY_MS;
  dayText = text;
  return text;
}
let dayStart = NaN;
let dayText = '';

/** Parses an ISO 8601 instant with a time zone (or a bare date, taken as UTC midnight); undefined if invalid. */
export function parseInstant(text: string): Date | undefined {
  if (typeof text !== 'string' || text.length > 64) return undefined;
  const parsed = /^\d{4}-\d{2}-\d{2}$/.test(text)
    ? DateTime.fromISO(text, { zone: 'utc' })
    : /(?:Z|[+-]\d{2}(?::?\d{2})?)$/i.test(text)
      ? DateTime.fromISO(text, { setZone: true })
      : undefined;
  if (!parsed?.isValid) return undefined;
  const date = parsed.toJSDate();
  return date.getUTCFullYear() >= 1970 && date.getUTCFullYear() <= 9999 ? date : undefined;
}

/**
 * Adds an ISO 8601 duration (`P1D`, `PT6H`, `P3M`, `P1Y2M`, `P2W`) to an instant, in UTC calendar
 * terms (`P1M` from January 31 is the last day of February). Undefined when the text is not a
 * positive duration.
 */
export function addDuration(from: Date, text: string): Date | undefined {
  if (typeof text !== 'string' || text.length > 64 || !/^P/.test(text)) return undefined;
  const duration = Duration.fromISO(text);
  if (!duration.isValid) return undefined;
  const values = Object.values(duration.toObject());
  if (values.some(v => v < 0) || !values.some(v => v > 0)) return undefined;
  const to = DateTime.fromJSDate(from, { zone: 'utc' }).plus(duration);
  return to.isValid ? to.toJSDate() : undefined;
}

/** Every sandbox's clock, over the store. */
export class SandboxClocks {
  private readonly store: Store;
  private readonly serverNow: () => Date;
  readonly start: Date | undefined;
  private readonly rules: ReadonlyArray<{ api: string; passDay: PassDay }>;
  private readonly onEvent: (event: ClockEvent) => void;
  private readonly data: (sandbox: string, api: string) => ApiData;

  constructor(options: ClockOptions) {
    this.data = options.data ?? ((sandbox, api) => options.store.sandbox(sandbox).api(api));
    this.store = options.store;
    this.serverNow = options.serverNow ?? (() => new Date());
    this.start = options.start;
    this.rules = options.rules ?? [];
    this.onEvent = options.onEvent ?? (() => undefined);
  }

  private meta(sandbox: string) {
    return this.store.sandbox(sandbox).api(META_API).collection<ClockRecord>(META_COLLECTION);
  }

  /** The stored clock of a sandbox; none until the sandbox first changes or its clock is moved. */
  record(sandbox: string): ClockRecord | undefined {
    return this.meta(sandbox).get(CLOCK_KEY);
  }

  /** The sandbox's time now. */
  now(sandbox: string): Date {
    return this.timeOf(this.record(sandbox));
  }

  private timeOf(record: ClockRecord | undefined): Date {
    if (!record) return this.start ? new Date(this.start) : this.serverNow();
    if (record.mode === 'frozen') return new Date(record.at!);
    return new Date(this.serverNow().getTime() + (record.offsetMs ?? 0));
  }

  /** True when the sandbox follows the server's time exactly. */
  isRealTime(sandbox: string): boolean {
    const record = this.record(sandbox);
    if (!record) return !this.start;
    return record.mode === 'running' && !record.offsetMs;
  }

  /** The instant the sandbox's fixture dates are placed relative to. */
  epoch(sandbox: string): Date {
    const record = this.record(sandbox);
    return record ? new Date(record.epoch) : this.timeOf(undefined);
  }

  view(sandbox: string): ClockView {
    const record = this.record(sandbox);
    const now = this.timeOf(record);
    const mode: ClockView['mode'] = record ? (record.mode === 'frozen' ? 'frozen' : record.offsetMs ? 'running' : 'real') : this.start ? 'frozen' : 'real';
    return {
      sandbox,
      now: now.toISOString(),
      mode,
      ...(mode === 'running' ? { offsetSeconds: Math.round((record!.offsetMs ?? 0) / 1000) } : {}),
      fixturesPlacedAt: isoDay(record ? new Date(record.epoch) : now),
    };
  }

  /**
   * Stores the sandbox's clock as it stands (called when a sandbox first changes), so its
   * fixture dates stay where they were placed.
   */
  ensure(sandbox: string): void {
    if (this.record(sandbox)) return;
    void this.meta(sandbox).put(CLOCK_KEY, this.initialRecord());
  }

  private initialRecord(): ClockRecord {
    const now = this.timeOf(undefined);
    return this.start
      ? { mode: 'frozen', at: now.toISOString(), epoch: now.toISOString(), ranThrough: isoDay(now) }
      : { mode: 'running', offsetMs: 0, epoch: now.toISOString(), ranThrough: isoDay(now) };
  }

  /**
   * Freezes the clock at `at` (default: where it is now); 409 if that is in the sandbox's past. A
   * fresh sandbox (no clock, no changes) is created at `at`, whenever that is: its fixture dates are
   * placed relative to it, and no day passes.
   */
  freeze(sandbox: string, at?: Date): ClockView {
    if (at && !this.record(sandbox) && this.store.changeCount(sandbox) === 0) {
      const created = at.toISOString();
      void this.meta(sandbox).put(CLOCK_KEY, { mode: 'frozen', at: created, epoch: created, ranThrough: isoDay(at) });
      return this.view(sandbox);
    }
    const record = this.record(sandbox) ?? this.initialRecord();
    const now = this.timeOf(record);
    const to = at ?? now;
    this.refuseBackwards(now, to);
    return this.move(sandbox, record, frozen(record, to), now, to);
  }

  /** Lets a frozen clock tick again from where it stands (ahead of, or behind, the server's time). */
  resume(sandbox: string): ClockView {
    const record = this.record(sandbox) ?? this.initialRecord();
    if (record.mode === 'running') return this.view(sandbox);
    const now = this.timeOf(record);
    return this.move(sandbox, record, running(record, now.getTime() - this.serverNow().getTime()), now, now);
  }

  /** Sets the clock forward to `to`, keeping it frozen or running; 409 if `to` is in its past. */
  set(sandbox: string, to: Date): ClockView {
    const record = this.record(sandbox) ?? this.initialRecord();
    const now = this.timeOf(record);
    this.refuseBackwards(now, to);
    const next = record.mode === 'frozen' ? frozen(record, to) : running(record, to.getTime() - this.serverNow().getTime());
    return this.move(sandbox, record, next, now, to);
  }

  /** Advances the clock by an ISO 8601 duration. */
  advance(sandbox: string, duration: string): ClockView {
    const now = this.now(sandbox);
    const to = addDuration(now, duration);
    if (!to) {
      throw problem('validation', `by must be a positive ISO 8601 duration such as P1D, PT6H or P1M, not ${JSON.stringify(duration)}`, {
        fields: [{ field: 'body.by', message: 'must be a positive ISO 8601 duration (P1D, PT6H, P1M)', rule: 'format' }],
      });
    }
    return this.set(sandbox, to);
  }

  /**
   * Runs the day rules for days the sandbox's running clock crossed since they last ran (real time
   * passing). Cheap when nothing is due: one record read.
   */
  catchUp(sandbox: string): void {
    const record = this.record(sandbox);
    if (!record || record.mode === 'frozen') return;
    const today = isoDay(this.timeOf(record));
    if (today > record.ranThrough) this.runDays(sandbox, record, record, today);
  }

  private refuseBackwards(now: Date, to: Date): void {
    if (to.getTime() < now.getTime()) {
      throw problem('conflict', `a sandbox's clock never moves backwards: it is ${now.toISOString()}, and ${to.toISOString()} is before that`);
    }
    const days = Math.floor(to.getTime() / DAY_MS) - Math.floor(now.getTime() / DAY_MS);
    if (days > MAX_DAYS_PER_MOVE) {
      throw problem('validation', `one move of a clock may cross at most ${MAX_DAYS_PER_MOVE} days (this one crosses ${days})`, {
        fields: [{ field: 'body', message: `crosses more than ${MAX_DAYS_PER_MOVE} days`, rule: 'maximum' }],
      });
    }
  }

  private move(sandbox: string, _previous: ClockRecord, next: ClockRecord, _from: Date, to: Date): ClockView {
    this.runDays(sandbox, next, next, isoDay(to));
    return this.view(sandbox);
  }

  /** Runs every API's day rules for each day after `record.ranThrough` up to `through`, then stores `next`. */
  private runDays(sandbox: string, record: ClockRecord, next: ClockRecord, through: string): void {
    let day = record.ranThrough;
    // Store the clock first, so rules that read the sandbox's time see where it is going.
    void this.meta(sandbox).put(CLOCK_KEY, { ...next, ranThrough: record.ranThrough });
    while (day < through) {
      day = isoDay(new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS));
      const now = new Date(`${day}T00:00:00.000Z`);
      for (const { api, passDay } of this.rules) {
        const data = this.data(sandbox, api);
        for (const entry of passDay({ data, day, now, sandbox })) {
          this.onEvent({ ...entry, sandbox, api, time: now.toISOString() });
        }
      }
    }
    void this.meta(sandbox).put(CLOCK_KEY, { ...next, ranThrough: through > record.ranThrough ? through : record.ranThrough });
  }
}

const frozen = (record: ClockRecord, at: Date): ClockRecord => ({ mode: 'frozen', at: at.toISOString(), epoch: record.epoch, ranThrough: record.ranThrough });
const running = (record: ClockRecord, offsetMs: number): ClockRecord => ({ mode: 'running', offsetMs, epoch: record.epoch, ranThrough: record.ranThrough });

/**
 * Problems with a snapshot's `_sandbox` part: only the `meta` collection, holding a `clock` record
 * of the stored shape (and the id counter, `ids`).
 */
export function metaRecordProblems(collections: Record<string, Record<string, unknown>>, field: string): Array<{ field: string; message: string; rule: string }> {
  const problems: Array<{ field: string; message: string; rule: string }> = [];
  for (const [collection, records] of Object.entries(collections)) {
    if (collection !== META_COLLECTION) {
      problems.push({ field: `${field}.${collection}`, message: `is not a collection of ${META_API} (${META_COLLECTION})`, rule: 'collection' });
      continue;
    }
    for (const [key, record] of Object.entries(records)) {
      const at = `${field}.${collection}.${key}`;
      const check = META_CHECKS[key];
      if (!check) problems.push({ field: at, message: `is not a record of ${META_API} ${META_COLLECTION} (${Object.keys(META_CHECKS).join(', ')})`, rule: 'key' });
      else if (!check(record)) problems.push({ field: at, message: `is not a valid ${key} record`, rule: key });
    }
  }
  return problems;
}

const isDay = (v: unknown) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v);
const isInstant = (v: unknown) => typeof v === 'string' && !Number.isNaN(Date.parse(v)) && /^\d{4}-\d{2}-\d{2}T/.test(v);

const META_CHECKS: Record<string, (record: unknown) => boolean> = {
  [CLOCK_KEY]: value => {
    const r = value as Partial<ClockRecord> | null;
    if (!r || typeof r !== 'object' || !isInstant(r.epoch) || !isDay(r.ranThrough)) return false;
    if (r.mode === 'frozen') return isInstant(r.at) && Object.keys(r).length === 4;
    return r.mode === 'running' && Number.isSafeInteger(r.offsetMs) && Object.keys(r).length === 4;
  },
  ids: value => {
    const r = value as { next?: unknown } | null;
    return !!r && typeof r === 'object' && Number.isSafeInteger(r.next) && (r.next as number) >= 0 && Object.keys(r).length === 1;
  },
};
