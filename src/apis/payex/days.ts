// Calendar days as ISO 8601 strings (`YYYY-MM-DD`), counted in UTC.

const DAY_MS = 86_400_000;

export const isoDay = (date: Date): string => date.toISOString().slice(0, 10);

/** True for `YYYY-MM-DD` naming a day that exists (not `2021-02-30`). */
export function isRealDay(day: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return false;
  const date = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && isoDay(date) === day;
}

export function addDays(day: string, days: number): string {
  return isoDay(new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS));
}

/** First and last day of a month given as `YYYY-MM`. */
export function monthDays(month: string): { first: string; last: string } {
  const [year, monthNo] = month.split('-').map(Number);
  return { first: `${month}-01`, last: isoDay(new Date(Date.UTC(year, monthNo, 0))) };
}
