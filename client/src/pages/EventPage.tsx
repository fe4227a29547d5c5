import { api } from '../api.ts';
import type { CaseId, CaseRecord } from '../apiTypes.ts';
import { caseReference } from '../components/CaseLink.tsx';
import { Loaded } from '../components/Loaded.tsx';
import { NotificationBanner } from '../components/NotificationBanner.tsx';
import { PageHeading } from '../components/PageHeading.tsx';
import { WarningText } from '../components/WarningText.tsx';
import { GuidedForm } from '../forms/GuidedForm.tsx';
import { usePartnership } from '../partnership.tsx';
import { Link, navigate } from '../router.tsx';
import { useResource } from '../useResource.ts';

/** Sending one event on a case: its form, the check of the answers, and what happens if the case moved meanwhile. */
export function EventPage({ id, type }: { id: CaseId; type: string }) {
  const [record, reload] = useResource(() => api.case(id), id);
  return <Loaded resource={record} page>{(found) => <EventFlow record={found} type={type} onConflict={reload} />}</Loaded>;
}

function EventFlow({ record, type, onConflict }: { record: CaseRecord; type: string; onConflict(): void }) {
  const partnership = usePartnership();
  const event = record.available.find((candidate) => candidate.type === type);
  const caseHref = `/cases/${encodeURIComponent(record.id)}`;
  const caption = `Case ${caseReference(record.id, record.reference)}: ${record.stateLabel}`;

  if (!event) {
    return (
      <>
        <PageHeading caption={caption}>You cannot do this now</PageHeading>
        <NotificationBanner kind="important" title="This action is not available at the case's current stage">
          <p className="govuk-body">
            The case may have moved on since you started, or your roles do not allow it. Anything you had typed is kept on this
            computer in case the action becomes available again.
          </p>
        </NotificationBanner>
        <p className="govuk-body">
          <Link className="govuk-link" href={caseHref}>
            Go back to the case
          </Link>
        </p>
      </>
    );
  }

  return (
    <GuidedForm
      partnership={partnership.id}
      formId={event.form}
      title={event.label}
      caption={caption}
      draftSubject={`case:${record.id}:event:${event.type}`}
      submitLabel={event.form ? 'Send' : 'Confirm'}
      cancelHref={caseHref}
      confirmation={
        <>
          {event.warnings?.map((warning) => <WarningText key={warning}>{warning}</WarningText>)}
          {event.form ? null : (
            <p className="govuk-body">When you confirm, this is recorded in the case history and everyone working on the case can see it.</p>
          )}
        </>
      }
      submit={(data) => api.sendEvent(record.id, event.type, data, record.version)}
      check={(data) => api.checkEvent(record.id, event.type, data, record.version)}
      onDone={() => navigate(caseHref, { replace: true, flash: `${event.label}: done.` })}
      onConflict={onConflict}
    />
  );
}
