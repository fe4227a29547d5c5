/**
 * Who held a place on a given day. Partners change their names (a CCG became an Integrated Care
 * Board on 1 July 2022), groups are replaced (a new group takes over the remit of older ones), chairs
 * come and go: labels, tasks and reports say what held on the date in question, not what holds now.
 * Pure: the dates are the partnership file's, the day is the caller's.
 */
import type { GroupDef, Held, IsoDate, PartnershipDef, StatutoryPartner } from './definition.ts';

/** Whether an entry held on `date`: on or after its `from` and on or before its `until`. */
export function holdsOn(entry: Held, date: IsoDate): boolean {
  return (entry.from === undefined || entry.from <= date) && (entry.until === undefined || date <= entry.until);
}

/** The entries that held on `date`, in the order written. */
export function heldOn<T extends Held>(entries: readonly T[], date: IsoDate): T[] {
  return entries.filter((entry) => holdsOn(entry, date));
}

/** The statutory partners on `date`: there may be more than one of a kind, and a partner may join or leave. */
export function statutoryPartnersOn(partnership: Pick<PartnershipDef, 'statutoryPartners'>, date: IsoDate): StatutoryPartner[] {
  return heldOn(partnership.statutoryPartners, date);
}

/** A partner's name on `date`: the name it held then, or its label when no dated name covers the day. */
export function partnerLabelOn(partner: StatutoryPartner, date: IsoDate): string {
  return heldOn(partner.names ?? [], date)[0]?.label ?? partner.label;
}

/** The groups holding `duty` on `date`, in the order written: two may share it (findings presented to both). */
export function groupsWithDutyOn(partnership: Pick<PartnershipDef, 'groups'>, duty: string, date: IsoDate): GroupDef[] {
  return heldOn(partnership.groups ?? [], date).filter((group) => group.duties?.includes(duty));
}

/** The names of the groups holding `duty` on `date` as a phrase ("A and the B"), or undefined when none does. */
export function dutyHoldersOn(partnership: Pick<PartnershipDef, 'groups'>, duty: string, date: IsoDate): string | undefined {
  const groups = groupsWithDutyOn(partnership, duty, date);
  return groups.length === 0 ? undefined : groups.map((g) => g.label).join(' and the ');
}

/** The name of a group's chair on `date`, or undefined when the chair was vacant or is not recorded. */
export function chairOn(group: GroupDef, date: IsoDate): string | undefined {
  return heldOn(group.chairs ?? [], date)[0]?.name;
}

/**
 * A label with its place-holders filled as on `date`: `{group:<duty>}` by the groups holding the duty
 * (written after "the": "the {group:x}"; the duty's own words when no group held it, so the text still
 * reads), `{chair:<duty>}` by the first such group's chair (or "the chair of the" group),
 * `{partner:<id>}` by the partner's name.
 */
export function labelOn(partnership: Pick<PartnershipDef, 'groups' | 'statutoryPartners'>, template: string, date: IsoDate): string {
  return template.replace(/\{(group|chair|partner):([a-z0-9-]+)\}/g, (whole, kind: string, id: string) => {
    if (kind === 'partner') {
      const partner = partnership.statutoryPartners.find((p) => p.id === id);
      return partner === undefined ? whole : partnerLabelOn(partner, date);
    }
    const groupLabel = dutyHoldersOn(partnership, id, date) ?? `group responsible (${id.replaceAll('-', ' ')})`;
    if (kind === 'group') return groupLabel;
    const group = groupsWithDutyOn(partnership, id, date)[0];
    return (group === undefined ? undefined : chairOn(group, date)) ?? `the chair of the ${groupLabel}`;
  });
}
