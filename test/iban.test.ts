// src/core/iban.ts gives ibantools' verdicts: the same answer as ibantools' isValidIBAN for valid
// IBANs of every country, for each of them with a digit or the check digits changed, and for
// arbitrary text (seeded, so runs repeat exactly).
import fc from 'fast-check';
import { composeIBAN, countrySpecs, isValidIBAN as ibantools } from 'ibantools';
import { isValidIBAN } from '../src/core/iban.js';
import { seededRandom } from './seeded-random.js';

const countries = Object.keys(countrySpecs).filter(code => countrySpecs[code].bban_regexp && countrySpecs[code].chars);
const DIGITS = '0123456789';
const CAPITALS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** IBANs of `country` with correct check digits: random BBANs its format takes (tried in a few shapes), composed by ibantools. */
function validIbans(country: string, random: () => number, wanted: number): string[] {
  const length = countrySpecs[country].chars! - 4;
  const pick = (alphabet: string) => alphabet[Math.floor(random() * alphabet.length)];
  const shapes = [
    () => Array.from({ length }, () => pick(DIGITS)).join(''),
    () => Array.from({ length }, (_, i) => (i < 4 ? pick(CAPITALS) : pick(DIGITS))).join(''),
    () => Array.from({ length }, () => pick(DIGITS + CAPITALS)).join(''),
    () => Array.from({ length }, (_, i) => (i === length - 1 || i < 2 ? pick(CAPITALS) : pick(DIGITS))).join(''),
  ];
  const found: string[] = [];
  for (let tries = 0; tries < 4000 && found.length < wanted; tries++) {
    const iban = composeIBAN({ countryCode: country, bban: shapes[tries % shapes.length]() });
    if (iban) found.push(iban);
  }
  return found;
}

describe('isValidIBAN (src/core/iban.ts)', () => {
  test('agrees with ibantools on IBANs of every country with correct check digits, and on each with one character or the check digits changed', () => {
    const random = seededRandom(14);
    const disagreements: string[] = [];
    let valid = 0;
    let compared = 0;
    for (const country of countries) {
      for (const iban of validIbans(country, random, 20)) {
        // composeIBAN computes check digits without the national check some countries add: ibantools decides.
        const verdict = ibantools(iban);
        if (isValidIBAN(iban) !== verdict) disagreements.push(iban);
        if (verdict) valid++;
        const variants = [`${iban.slice(0, 2)}${String((Number(iban.slice(2, 4)) + 1) % 100).padStart(2, '0')}${iban.slice(4)}`];
        for (let i = 0; i < iban.length; i++) {
          const swapped = iban[i] >= '0' && iban[i] <= '9' ? String((Number(iban[i]) + 1) % 10) : iban[i] === 'Z' ? 'A' : String.fromCharCode(iban.charCodeAt(i) + 1);
          variants.push(`${iban.slice(0, i)}${swapped}${iban.slice(i + 1)}`);
        }
        variants.push(iban.toLowerCase(), `${iban} `, iban.slice(0, -1), `${iban}0`, `${iban.slice(0, 2)}00${iban.slice(4)}`, `${iban.slice(0, 2)}99${iban.slice(4)}`, `${iban.slice(0, 2)}01${iban.slice(4)}`);
        for (const variant of variants) {
          if (isValidIBAN(variant) !== ibantools(variant)) disagreements.push(variant);
          compared++;
        }
      }
    }
    expect(disagreements).toEqual([]);
    // Most countries' formats give valid IBANs from the shapes tried.
    expect(valid).toBeGreaterThan(countries.length * 15);
    expect(compared).toBeGreaterThan(valid * 20);
  });

  test('agrees with ibantools on arbitrary text, and on text shaped like an IBAN', () => {
    const ibanLike = fc
      .tuple(fc.constantFrom(...countries, 'XX', 'de', 'D1'), fc.string({ unit: fc.constantFrom(...`${DIGITS}${CAPITALS} -.a`), maxLength: 34 }))
      .map(([country, rest]) => `${country}${rest}`);
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 40 }), ibanLike), text => {
        expect(isValidIBAN(text)).toBe(ibantools(text));
      }),
      { seed: 14, numRuns: 20_000 },
    );
    for (const value of [undefined, null, '', 'DE', 'DE89', 'DE89370400440532013000', 'GB82WEST12345698765432', 'CH4431999123000889012']) {
      expect(isValidIBAN(value)).toBe(ibantools(value as string));
    }
  });
});
