/** Wording and date formats shared by every page (GOV.UK style: "3 March 2024", "3 March 2024 at 2:05pm"). */

/** `individual-child` or `agenciesInvolved` as words: "Individual child", "Agencies involved". */
export function humanise(id: string): string {
  const words = id
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[-_]+/g, ' ')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Lower-cases a label's first letter for use mid-sentence, unless it starts an acronym ("NHS"). */
export function midSentence(label: string): string {
  return /^[A-Z][a-z]/.test(label) ? label.charAt(0).toLowerCase() + label.slice(1) : label;
}

const DATE = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const TIME = new Intl.DateTimeFormat('en-GB', { hour: 'numeric', minute: '2-digit', hour12: true });
const LOCAL_DATE = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric' });

export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A `YYYY-MM-DD` date, which has no time zone: formatted as the calendar day it names. */
export function formatDate(date: string): string {
  return ISO_DATE.test(date) ? DATE.format(new Date(`${date}T00:00:00Z`)) : date;
}

/** A moment, shown in the reader's own time zone. */
export function formatDateTime(iso: string): string {
  const moment = new Date(iso);
  if (Number.isNaN(moment.getTime())) return iso;
  return `${LOCAL_DATE.format(moment)} at ${TIME.format(moment).replace(' ', '').toLowerCase()}`;
}

/** Today as `YYYY-MM-DD` in the reader's time zone, for date filters. */
export function todayIso(offsetDays = 0): string {
  const day = new Date();
  day.setDate(day.getDate() + offsetDays);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}`;
}
