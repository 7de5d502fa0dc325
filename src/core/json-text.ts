// The JSON text of a response body, made once for a body answered again. A client polling a list
// gets the same body every time: JSON.stringify of 100 items writes ~30 KB each time, while
// comparing the new body with the last one, value by value, reads it without writing anything.
// The last text is kept with a private copy of its value (parsed from the text, so nobody else
// can change it); a body that matches it exactly as JSON.stringify sees it (same keys in the same
// order, same values) has that text.

/** A parsed JSON value, with each object's keys listed once. */
type Template = null | string | number | boolean | TemplateObject | TemplateArray;

class TemplateObject {
  constructor(
    readonly keys: string[],
    readonly values: Template[],
  ) {}
}

class TemplateArray {
  constructor(readonly items: Template[]) {}
}

function templateOf(value: unknown): Template {
  if (value === null || typeof value !== 'object') return value as Template;
  if (Array.isArray(value)) return new TemplateArray(value.map(templateOf));
  const keys = Object.keys(value);
  return new TemplateObject(
    keys,
    keys.map(key => templateOf((value as Record<string, unknown>)[key])),
  );
}

/**
 * Whether `JSON.stringify(value)` is the text `template` was parsed from. False whenever that is
 * not sure (a `toJSON` method, an object that is not plain, NaN, a hole in an array): the text is
 * then made by JSON.stringify.
 */
function sameJson(value: unknown, template: Template): boolean {
  if (template instanceof TemplateObject) {
    if (value === null || typeof value !== 'object') return false;
    const proto = Object.getPrototypeOf(value);
    // A plain object (for…in then lists its own keys, in JSON.stringify's order) without toJSON.
    if ((proto !== Object.prototype && proto !== null) || 'toJSON' in value) return false;
    const { keys, values } = template;
    let i = 0;
    for (const key in value) {
      const item = (value as Record<string, unknown>)[key];
      // JSON.stringify leaves these keys out.
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
      if (key !== keys[i] || !sameJson(item, values[i])) return false;
      i++;
    }
    return i === keys.length;
  }
  if (template instanceof TemplateArray) {
    if (!Array.isArray(value) || value.length !== template.items.length || 'toJSON' in value) return false;
    const { items } = template;
    for (let i = 0; i < items.length; i++) if (!sameJson(value[i], items[i])) return false;
    return true;
  }
  // A string, a finite number, a boolean or null: the same value has the same text (-0 is written 0, as 0 is).
  return value === template;
}

/** Texts longer than this are made every time (a kept text costs about three times its size in copies). */
const MAX_KEPT_TEXT = 64 * 1024;

/**
 * JSON texts of response bodies, one kept per owner (an operation): `text(owner, body)` is
 * `JSON.stringify(body)`, reused when the body is the one last answered for that owner. A copy
 * is kept only once a text is answered twice in a row.
 */
export class JsonTexts {
  private readonly last = new WeakMap<object, { text: string; template?: Template }>();

  text(owner: object, body: unknown): string {
    const last = this.last.get(owner);
    if (last?.template !== undefined && sameJson(body, last.template)) return last.text;
    const text = JSON.stringify(body);
    if (text === undefined || text.length > MAX_KEPT_TEXT) return text;
    if (last && last.template === undefined && last.text === text) last.template = templateOf(JSON.parse(text));
    else if (!last || last.text !== text) this.last.set(owner, { text });
    return text;
  }
}
