// JSON Schema validation of records against the `components.schemas` of an API's spec
// (fixtures, snapshots and admin writes). Request/response validation is Prism's job.
import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

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
    this.document = parse(readFileSync(specFile, 'utf8')) as Record<string, unknown>;
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
    (addFormats as unknown as (ajv: Ajv2020) => void)(this.ajv);
    this.ajv.addSchema(this.document, 'spec');
  }

  has(schemaName: string): boolean {
    const schemas = (this.document.components as { schemas?: Record<string, unknown> } | undefined)?.schemas;
    return Boolean(schemas && Object.hasOwn(schemas, schemaName));
  }

  /** Problems of `value` against `#/components/schemas/<schemaName>`, as `path: message` lines. */
  validate(schemaName: string, value: unknown): string[] {
    let validate = this.compiled.get(schemaName);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `spec#/components/schemas/${schemaName}` });
      this.compiled.set(schemaName, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).map(e => {
      const extra = 'additionalProperty' in e.params ? ` ('${String(e.params.additionalProperty)}')` : '';
      return `${e.instancePath || '/'} ${e.message ?? 'is invalid'}${extra}`;
    });
  }
}
