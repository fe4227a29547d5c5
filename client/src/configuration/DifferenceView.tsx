import type { Difference } from '../configurationTypes.ts';

const KINDS = { '+': 'Added', '-': 'Removed', '~': 'Changed' } as const;

/** A line of a difference: its kind in words (the server's `+`, `-`, `~`) and what it says. */
function split(line: string): { kind: string; text: string } {
  const mark = line.charAt(0) as keyof typeof KINDS;
  return mark in KINDS ? { kind: KINDS[mark], text: line.slice(2).replace(/^(added|removed): /, '') } : { kind: '', text: line };
}

/** The difference between two processes, section by section, leaving out the sections where nothing differs. */
export function DifferenceView({ difference, headingLevel = 3 }: { difference: Difference; headingLevel?: 3 | 4 }) {
  const Heading = `h${headingLevel}` as const;
  const changed = difference.sections.filter((section) => section.lines.length > 0);
  if (changed.length === 0) return <p className="govuk-body">No differences between {difference.from} and {difference.to}.</p>;
  return (
    <div className="app-difference">
      <p className="govuk-body">
        {difference.count} {difference.count === 1 ? 'difference' : 'differences'} from {difference.from} to {difference.to}:
      </p>
      {changed.map((section) => (
        <section key={section.title}>
          <Heading className="govuk-heading-s">{section.title}</Heading>
          <ul className="govuk-list govuk-list--spaced">
            {section.lines.map((line, index) => {
              const { kind, text } = split(line);
              return (
                <li key={index} className="app-difference__line">
                  {kind && <strong className="app-difference__kind">{kind}: </strong>}
                  {text}
                </li>
              );
            })}
          </ul>
        </section>
      ))}
    </div>
  );
}
