import { Link } from '../router.tsx';

/**
 * GOV.UK pagination for a list paged by cursor: back to the first page, or on to the next. A cursor
 * only points forward, so there is no "previous page" link; the browser's Back button goes back one.
 */
export function CursorPagination({ label, first, next }: { label: string; first: string | null; next: string | null }) {
  return (
    <nav className="govuk-pagination govuk-pagination--block" aria-label={label}>
      {first !== null && (
        <div className="govuk-pagination__prev">
          <Link className="govuk-link govuk-pagination__link" href={first}>
            <span className="govuk-pagination__link-title">First page</span>
          </Link>
        </div>
      )}
      {next !== null && (
        <div className="govuk-pagination__next">
          <Link className="govuk-link govuk-pagination__link" href={next} rel="next">
            <span className="govuk-pagination__link-title">Next page</span>
          </Link>
        </div>
      )}
    </nav>
  );
}
