import { PageHeading } from '../components/PageHeading.tsx';
import { usePartnership } from '../partnership.tsx';
import { Link } from '../router.tsx';

export function ProcessesPage() {
  const partnership = usePartnership();
  return (
    <>
      <PageHeading>Processes</PageHeading>
      <p className="govuk-body">Each process as a diagram of its stages, with how many cases are at each stage now.</p>
      <ul className="govuk-list govuk-list--spaced">
        {partnership.processes.map((process) => (
          <li key={process.id}>
            <Link className="govuk-link" href={`/processes/${encodeURIComponent(process.id)}`}>
              {process.title}
            </Link>{' '}
            <span className="app-secondary-text">(version {process.version})</span>
          </li>
        ))}
      </ul>
    </>
  );
}
