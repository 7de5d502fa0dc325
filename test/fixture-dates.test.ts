// The core moves fixture dates generated around FIXTURE_REFERENCE_DATE to today when it loads them.
import type { ApiModule } from '../src/core/api-module.js';
import { FIXTURE_REFERENCE_DATE, daysSinceFixtureReference, loadFixtures, shiftDates } from '../src/core/fixtures.js';

const dataset = {
  events: {
    a: { id: 'a', day: '2026-10-31', at: '2026-10-31T08:30:00Z', precise: '2026-10-31T08:30:00.250Z', name: '2026-10-31 is a name', count: 3 },
  },
  others: { b: { id: 'b', day: '2026-10-31' } },
};

test('whole UTC days since the reference date', () => {
  expect(daysSinceFixtureReference(FIXTURE_REFERENCE_DATE)).toBe(0);
  expect(daysSinceFixtureReference(new Date('2026-11-01T23:59:59Z'))).toBe(0);
  expect(daysSinceFixtureReference(new Date('2026-11-21T00:00:00Z'))).toBe(20);
  expect(daysSinceFixtureReference(new Date('2026-10-31T12:00:00Z'))).toBe(-1);
});

test('only the named fields of the named collections move, in the form they had', () => {
  const shifted = shiftDates(dataset, { events: ['day', 'at', 'precise', 'name', 'count'] }, 45);
  expect(shifted.events.a).toEqual({
    id: 'a',
    day: '2026-12-15',
    at: '2026-12-15T08:30:00Z',
    precise: '2026-12-15T08:30:00.250Z',
    name: '2026-10-31 is a name',
    count: 3,
  });
  expect(shifted.others).toBe(dataset.others);
  expect(dataset.events.a.day).toBe('2026-10-31');
  expect(shiftDates(dataset, { events: ['day'] }, 0)).toBe(dataset);
});

test('loadFixtures applies an API\'s fixtureDates for the given day', async () => {
  const api = { slug: 'dated', fixtureDates: { events: ['day'] }, generateFixtures: () => dataset } as unknown as ApiModule;
  const loaded = await loadFixtures([api], 7, new Date('2026-11-03T10:00:00Z'));
  expect(loaded.dated.events.a.day).toBe('2026-11-02');
  expect(loaded.dated.others.b.day).toBe('2026-10-31');
});
