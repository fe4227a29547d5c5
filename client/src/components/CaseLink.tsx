import type { CaseId } from '../apiTypes.ts';
import { Link } from '../router.tsx';

/** Case ids are long; people say and compare the first eight characters, which the full id starts with. */
export function caseReference(id: CaseId): string {
  return id.slice(0, 8);
}

export function CaseLink({ id }: { id: CaseId }) {
  return (
    <Link className="govuk-link" href={`/cases/${encodeURIComponent(id)}`}>
      Case {caseReference(id)}
    </Link>
  );
}
