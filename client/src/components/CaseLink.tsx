import type { CaseId } from '../apiTypes.ts';
import { Link } from '../router.tsx';

/**
 * What people call a case: its reference (`MER-2026-0042`), which they can say on the phone and type
 * into the search; an older server without references leaves the start of the id.
 */
export function caseReference(id: CaseId, reference?: string | null): string {
  return reference ?? id.slice(0, 8);
}

export function CaseLink({ id, reference }: { id: CaseId; reference?: string | null }) {
  return (
    <Link className="govuk-link" href={`/cases/${encodeURIComponent(id)}`}>
      Case {caseReference(id, reference)}
    </Link>
  );
}
