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

/**
 * Moments are shown in the partnerships' own time zone, whatever the reader's device says: every
 * partnership is in England, and a time written in a case's record must read the same to everyone.
 */
export const TIME_ZONE = 'Europe/London';

const DATE = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const ZONED_DATE = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: TIME_ZONE });
// `hourCycle: 'h12'`: en-GB's own 12-hour clock would write 12:05am as "0:05 am".
const ZONED_TIME = new Intl.DateTimeFormat('en-GB', { hour: 'numeric', minute: '2-digit', hourCycle: 'h12', timeZone: TIME_ZONE });
const ZONED_ISO_DATE = new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: TIME_ZONE });

export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A `YYYY-MM-DD` date, which has no time zone: formatted as the calendar day it names. */
export function formatDate(date: string): string {
  return ISO_DATE.test(date) ? DATE.format(new Date(`${date}T00:00:00Z`)) : date;
}

/**
 * A moment (an ISO instant), as the date and time it was in London, in GOV.UK style: "3 March 2024 at
 * 2:05pm", "at midday", "at midnight".
 */
export function formatDateTime(iso: string): string {
  const moment = new Date(iso);
  if (Number.isNaN(moment.getTime())) return iso;
  const time = ZONED_TIME.formatToParts(moment)
    .filter((part) => part.type !== 'literal' || part.value === ':')
    .map((part) => (part.type === 'dayPeriod' ? part.value.toLowerCase().replace(/\W/g, '') : part.value))
    .join('');
  const words = time === '12:00pm' ? 'midday' : time === '12:00am' ? 'midnight' : time;
  return `${ZONED_DATE.format(moment)} at ${words}`;
}

/** Today (plus `offsetDays` calendar days) as `YYYY-MM-DD` in London, for date filters. */
export function todayIso(offsetDays = 0): string {
  const today = ZONED_ISO_DATE.format(new Date());
  const day = new Date(`${today}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() + offsetDays);
  return day.toISOString().slice(0, 10);
}
