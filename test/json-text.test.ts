// The pipeline's JSON texts: a body answered again takes the text made last time, and only when
// JSON.stringify would write exactly that text.
import { JsonTexts } from '../src/core/json-text.js';

class Account {
  constructor(readonly id: string) {}
}

const base = () => ({ meta: { offset: 0, limit: 2, count: 2 }, data: [{ id: 'a', n: 1, ok: true, none: null, tags: ['x', 'y'] }, { id: 'b', n: 2.5, ok: false, none: null, tags: [] }] });

/** Bodies each sent twice in a row (so their text is kept), then variants that differ as JSON, or only in what JSON leaves out. */
const variants: Array<[string, (body: ReturnType<typeof base>) => unknown]> = [
  ['same', b => b],
  ['a value changed deep inside', b => ({ ...b, data: [b.data[0], { ...b.data[1], n: 3 }] })],
  ['a string changed', b => ({ ...b, data: [{ ...b.data[0], id: 'A' }, b.data[1]] })],
  ['keys in another order', b => ({ data: b.data, meta: b.meta })],
  ['a key added', b => ({ ...b, extra: 1 })],
  ['a key removed', b => ({ meta: b.meta })],
  ['an undefined value added (left out by JSON)', b => ({ ...b, gone: undefined })],
  ['a function and a symbol added (left out by JSON)', b => ({ ...b, f: () => 1, s: Symbol('s') })],
  ['a value undefined instead of null', b => ({ ...b, data: [{ ...b.data[0], none: undefined }, b.data[1]] })],
  ['a number as a string', b => ({ ...b, meta: { ...b.meta, limit: '2' } })],
  ['NaN instead of null', b => ({ ...b, data: [{ ...b.data[0], none: NaN }, b.data[1]] })],
  ['-0 instead of 0', b => ({ ...b, meta: { ...b.meta, offset: -0 } })],
  ['an array one longer', b => ({ ...b, data: [...b.data, b.data[0]] })],
  ['a hole in an array', b => ({ ...b, data: [b.data[0], , b.data[1]] })], // eslint-disable-line no-sparse-arrays
  ['a Date (toJSON)', b => ({ ...b, meta: { ...b.meta, offset: new Date(0) } })],
  ['an object with toJSON', b => ({ ...b, meta: { toJSON: () => b.meta } })],
  ['a class instance', b => ({ ...b, meta: new Account('x') })],
  ['a null-prototype object', b => ({ ...b, meta: Object.assign(Object.create(null), b.meta) })],
  ['integer-like keys', b => ({ ...b, meta: { 2: 'two', 1: 'one', a: 'a' } })],
  ['a getter', b => ({ ...b, get meta() { return b.meta; } })],
  ['a boxed string', b => ({ ...b, data: [{ ...b.data[0], id: new String('a') }, b.data[1]] })], // eslint-disable-line no-new-wrappers
  ['an empty object for an array', b => ({ ...b, data: {} })],
  ['an array for an object', b => ({ ...b, meta: [] })],
  ['a lone surrogate', b => ({ ...b, data: [{ ...b.data[0], id: '\ud800' }, b.data[1]] })],
];

test('a body answered again gets the text JSON.stringify gives it, whatever changed since', () => {
  for (const [first, makeFirst] of variants) {
    for (const [second, makeSecond] of variants) {
      const texts = new JsonTexts();
      const owner = {};
      const one = makeFirst(base());
      const two = makeSecond(base());
      for (const body of [one, one, base(), one, two, two, one, two]) {
        expect({ first, second, text: texts.text(owner, body) }).toEqual({ first, second, text: JSON.stringify(body) });
      }
    }
  }
});

test('a body changed in place after it was answered gets its new text', () => {
  const texts = new JsonTexts();
  const owner = {};
  const body = base();
  texts.text(owner, body);
  texts.text(owner, body);
  body.data[1].tags.push('z');
  expect(texts.text(owner, body)).toBe(JSON.stringify(body));
  body.meta.count = 3;
  expect(texts.text(owner, body)).toBe(JSON.stringify(body));
});

test('owners keep their own texts, and a text of over 64 KiB is made every time', () => {
  const texts = new JsonTexts();
  const [a, b] = [{}, {}];
  const big = { data: 'x'.repeat(70 * 1024) };
  for (let i = 0; i < 3; i++) {
    expect(texts.text(a, base())).toBe(JSON.stringify(base()));
    expect(texts.text(b, { other: i })).toBe(JSON.stringify({ other: i }));
    expect(texts.text(b, big)).toBe(JSON.stringify(big));
  }
});
