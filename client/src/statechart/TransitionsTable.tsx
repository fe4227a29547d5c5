import { TableScroll } from '../components/TableScroll.tsx';
import type { PartnershipSummary, ProcessDefinition, StateId } from '../apiTypes.ts';
import { RAISER } from '../waiting.ts';
import { stateLabel } from '../processLabels.ts';

/**
 * The statechart's arrows as a table (from stage, action, to stage, who), so the process can be read
 * without the picture: by a screen reader, on a small screen, or printed. An action open at every stage
 * that is not final is one row, as the diagram says it once.
 */
export function TransitionsTable({ definition, partnership }: { definition: ProcessDefinition; partnership: PartnershipSummary }) {
  const open = definition.states.filter((state) => !state.final).map((state) => state.id);
  const who = (roles: string[]) =>
    roles.map((role) => (role === RAISER ? 'The person who raised the case' : (partnership.roles?.find((known) => known.id === role)?.label ?? role))).join(', ');
  const rows = definition.events.flatMap((event) => {
    // An event that records something without moving the case lists every stage it starts from as its targets.
    const recording = Array.isArray(event.to) && event.to.length === event.from.length && event.to.every((state) => event.from.includes(state));
    const targets = (from: StateId | null) => (recording ? [from] : Array.isArray(event.to) ? event.to : [event.to]);
    const to = (from: StateId | null) =>
      targets(from).map((state) => (state === from || state === null ? 'Stays at its stage' : stateLabel(definition, state))).join(' or ');
    const everywhere = open.length > 2 && open.every((state) => event.from.includes(state));
    if (everywhere) return [{ key: `${event.type}-*`, from: 'Any stage that is not final', label: event.label, to: to(null), who: who(event.roles) }];
    return event.from.map((from) => ({ key: `${event.type}-${from}`, from: stateLabel(definition, from), label: event.label, to: to(from), who: who(event.roles) }));
  });
  const caption = `What can happen at each stage of ${definition.title}`;
  return (
    <TableScroll label={caption}>
      <table className="govuk-table app-table-small">
        <caption className="govuk-table__caption govuk-table__caption--m">{caption}</caption>
        <thead className="govuk-table__head">
          <tr className="govuk-table__row">
            {['From stage', 'Action', 'To stage', 'Who'].map((heading) => (
              <th scope="col" className="govuk-table__header" key={heading}>
                {heading}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="govuk-table__body">
          {rows.map((row) => (
            <tr className="govuk-table__row" key={row.key}>
              <td className="govuk-table__cell">{row.from}</td>
              <td className="govuk-table__cell">{row.label}</td>
              <td className="govuk-table__cell">{row.to}</td>
              <td className="govuk-table__cell">{row.who}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
