/**
 * Choices a form offers from the partnership's data rather than from its schema: the statutory
 * partners as they were on a date, with "another" answer written in. The answer stays a string the
 * schema accepts (a partner's id, or another agency's name), so a client that ignores the hint, or
 * sends a name, is never refused; a client that reads it offers the partners by their names of the day.
 *
 * In a form's UI hints: `choices: { "costShares.partner": { from: statutoryPartners, other: "Another agency" } }`
 * (a dotted path; rows of a list are passed through). Served resolved: `{ options: [{value, label}], other }`.
 */
import type { IsoDate, PartnershipDef } from './definition.ts';
import { partnerLabelOn, statutoryPartnersOn } from './held.ts';

/** Where a question's choices come from: only the statutory partners so far. */
export const CHOICE_SOURCES = ['statutoryPartners'] as const;
export type ChoiceSource = (typeof CHOICE_SOURCES)[number];

export interface ChoiceHint {
  from: ChoiceSource;
  /** The label of the answer written in instead (another agency); without it only the choices are offered. */
  other?: string;
}

export interface ResolvedChoices {
  options: { value: string; label: string }[];
  other?: string;
}

function isChoiceHint(value: unknown): value is ChoiceHint {
  return value !== null && typeof value === 'object' && CHOICE_SOURCES.includes((value as { from?: unknown }).from as ChoiceSource);
}

/** The options of one source on `date`. */
export function choicesOn(partnership: Pick<PartnershipDef, 'statutoryPartners'>, hint: ChoiceHint, date: IsoDate): ResolvedChoices {
  const options = statutoryPartnersOn(partnership, date).map((p) => ({ value: p.id, label: partnerLabelOn(p, date) }));
  return { options, ...(hint.other === undefined ? {} : { other: hint.other }) };
}

/** A form's UI hints with its `choices` resolved on `date`; hints without choices are returned as they are. */
export function uiOn(partnership: Pick<PartnershipDef, 'statutoryPartners'>, ui: Record<string, unknown> | null, date: IsoDate): Record<string, unknown> | null {
  const choices = ui?.choices;
  if (ui === null || choices === null || typeof choices !== 'object') return ui;
  const resolved = Object.fromEntries(
    Object.entries(choices as Record<string, unknown>).map(([path, hint]) => [path, isChoiceHint(hint) ? choicesOn(partnership, hint, date) : hint]),
  );
  return { ...ui, choices: resolved };
}
