// JSON Schema validation of records against the `components.schemas` of an API's spec
// (fixtures, snapshots and admin writes). Request/response validation is Prism's job.
import { createRequire } from 'node:module';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import type { FormatDefinition } from 'ajv';
import addFormats from 'ajv-formats';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import { cachedSpecDocument } from './operations-cache.js';

// The YAML library is loaded only when a spec's parsed document is not in the cache.
const yaml = () => createRequire(import.meta.url)('yaml') as typeof import('yaml');

export class SpecSchemas {
  private static readonly bySpecFile = new Map<string, SpecSchemas>();

  /** The schemas of a spec file, parsed and compiled once per process, however many callers. */
  static of(specFile: string): SpecSchemas {
    let schemas = SpecSchemas.bySpecFile.get(specFile);
    if (!schemas) SpecSchemas.bySpecFile.set(specFile, (schemas = new SpecSchemas(specFile)));
    return schemas;
  }

  private readonly ajv: Ajv2020;
  private readonly compiled = new Map<string, ValidateFunction>();
  readonly document: Record<string, unknown>;

  constructor(specFile: string) {
    this.document = cachedSpecDocument(specFile, text => yaml().parse(text) as Record<string, unknown>);
    // `validateSchema: false`: our specs are linted by their own tests; checking each one against
    // JSON Schema's meta-schema here compiled that meta-schema at every start with stored records.
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true, validateSchema: false });
    (addFormats as unknown as (ajv: Ajv2020) => void)(this.ajv);
    this.ajv.addFormat('date-time', { ...fullDateTimeFormat, validate: dateTime });
    this.ajv.addFormat('uuid', uuid);
    // Only the schemas: Ajv walks whatever it is given for ids and references, and the records'
    // schemas refer to nothing outside `#/components/schemas`.
    const components = this.document.components as { schemas?: Record<string, unknown> } | undefined;
    this.ajv.addSchema({ components: { schemas: components?.schemas ?? {} } }, 'spec');
  }

  has(schemaName: string): boolean {
    const schemas = (this.document.components as { schemas?: Record<string, unknown> } | undefined)?.schemas;
    return Boolean(schemas && Object.hasOwn(schemas, schemaName));
  }

  /**
   * The compiled check of `value` against `#/components/schemas/<schemaName>`: true when `validate`
   * finds no problem (start-up checks every stored record with it, and asks `validate` only on a no).
   */
  validator(schemaName: string): (value: unknown) => boolean {
    let validate = this.compiled.get(schemaName);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `spec#/components/schemas/${schemaName}` });
      this.compiled.set(schemaName, validate);
    }
    return validate;
  }

  /** Problems of `value` against `#/components/schemas/<schemaName>`, as `path: message` lines. */
  validate(schemaName: string, value: unknown): string[] {
    const validate = this.validator(schemaName) as ValidateFunction;
    if (validate(value)) return [];
    return (validate.errors ?? []).map(e => {
      const extra = 'additionalProperty' in e.params ? ` ('${String(e.params.additionalProperty)}')` : '';
      return `${e.instancePath || '/'} ${e.message ?? 'is invalid'}${extra}`;
    });
  }
}

const fullDateTimeFormat = fullFormats['date-time'] as FormatDefinition<string>;
const fullDateTime = fullDateTimeFormat.validate as (value: string) => boolean;
const DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The two digits at `i` as a number, or -1. */
function twoDigits(text: string, i: number): number {
  const a = text.charCodeAt(i) - 48;
  const b = text.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * ajv-formats' `date-time`, with a fast path: the form every stored record uses,
 * `YYYY-MM-DDTHH:MM:SS[.digits]Z` with a valid date and a time before 23:59:60, is one it accepts;
 * anything else is left to it. (Checking every record at start-up spent half its time here.)
 */
export function dateTime(text: string): boolean {
  const n = text.length;
  if (
    (n === 20 || (n > 21 && text.charCodeAt(19) === 46)) &&
    text.charCodeAt(4) === 45 &&
    text.charCodeAt(7) === 45 &&
    text.charCodeAt(10) === 84 &&
    text.charCodeAt(13) === 58 &&
    text.charCodeAt(16) === 58 &&
    text.charCodeAt(n - 1) === 90
  ) {
    let digits = true;
    for (let i = 20; i < n - 1 && digits; i++) digits = text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57;
    const century = twoDigits(text, 0);
    const yy = twoDigits(text, 2);
    const month = twoDigits(text, 5);
    const day = twoDigits(text, 8);
    const hour = twoDigits(text, 11);
    const minute = twoDigits(text, 14);
    const second = twoDigits(text, 17);
    if (digits && century >= 0 && yy >= 0 && month >= 1 && month <= 12 && day >= 1 && hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 59) {
      const year = century * 100 + yy;
      const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
      if (day <= (month === 2 && leap ? 29 : DAYS[month])) return true;
    }
  }
  return fullDateTime(text);
}

const fullUuid = fullFormats.uuid as RegExp;

/** Whether the character code is a hexadecimal digit (either case). */
const isHex = (c: number) => (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 102);

/**
 * ajv-formats' `uuid` (`^(?:urn:uuid:)?` then 8-4-4-4-12 hexadecimal digits, any case), with a fast
 * path: a string of 36 characters cannot hold the prefix, so it is checked character by character
 * (the same verdict as the pattern, without running it); anything else is left to the pattern.
 */
export function uuid(text: string): boolean {
  if (text.length !== 36) return fullUuid.test(text);
  for (let i = 0; i < 36; i++) {
    const c = text.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23 ? c !== 45 : !isHex(c)) return false;
  }
  return true;
}
