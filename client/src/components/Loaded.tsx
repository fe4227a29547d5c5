import type { ReactNode } from 'react';
import { ERROR_CODES, type ApiError } from '../api.ts';
import type { Resource } from '../useResource.ts';
import { PageHeading } from './PageHeading.tsx';

function headingFor(error: ApiError): string {
  switch (error.code) {
    case ERROR_CODES.notFound:
      return 'Page not found';
    case ERROR_CODES.forbidden:
      return 'You do not have access to this page';
    default:
      return 'Sorry, there is a problem with the service';
  }
}

/**
 * Renders `children` once a resource has loaded. A page's main resource (`page`) fails with a page of
 * its own (heading and what to do); a secondary one fails with a line of text.
 */
export function Loaded<T>({
  resource,
  children,
  page = false,
}: {
  resource: Resource<T>;
  children: (data: T) => ReactNode;
  page?: boolean;
}) {
  switch (resource.status) {
    case 'loading':
      return (
        <p className="govuk-body app-secondary-text" role="status">
          Loading…
        </p>
      );
    case 'failed':
      return page ? (
        <>
          <PageHeading>{headingFor(resource.error)}</PageHeading>
          <p className="govuk-body">{resource.error.message}</p>
        </>
      ) : (
        <p className="govuk-body">{resource.error.message}</p>
      );
    case 'ready':
      return <>{children(resource.data)}</>;
  }
}
