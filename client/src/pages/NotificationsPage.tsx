import { useState } from 'react';
import { api } from '../api.ts';
import type { NotificationItem } from '../apiTypes.ts';
import { Loaded } from '../components/Loaded.tsx';
import { PageHeading } from '../components/PageHeading.tsx';
import { formatDate, formatDateTime } from '../format.ts';
import { Link } from '../router.tsx';
import { useResource } from '../useResource.ts';

/** Tells the header's count to look again. */
export const NOTIFICATIONS_CHANGED = 'app:notifications-changed';

function headline(n: NotificationItem): string {
  const ref = n.reference ?? 'A case';
  if (n.kind === 'overdue') return `${ref} is overdue`;
  if (n.kind === 'due-soon') return `${ref} is due by ${n.deadline === null ? 'soon' : formatDate(n.deadline.due)}`;
  return `${ref} is waiting for ${n.waitingFor}`;
}

/** The caller's notifications, newest first, unread ones marked, each with a link to its case. */
export function NotificationsPage() {
  const [resource, reload] = useResource(() => api.notifications(), 'notifications');
  const [busy, setBusy] = useState(false);
  const changed = () => {
    window.dispatchEvent(new Event(NOTIFICATIONS_CHANGED));
    reload();
  };
  const markRead = async (id?: number) => {
    setBusy(true);
    try {
      await (id === undefined ? api.markAllNotificationsRead() : api.markNotificationRead(id));
    } finally {
      setBusy(false);
      changed();
    }
  };
  return (
    <>
      <PageHeading>Notifications</PageHeading>
      <Loaded resource={resource} page>
        {(list) =>
          list.items.length === 0 ? (
            <p className="govuk-body">You have no notifications.</p>
          ) : (
            <>
              <p className="govuk-body">
                {list.unread === 0 ? 'You have read them all.' : `${list.unread} unread.`}
              </p>
              {list.unread > 0 && (
                <button type="button" className="govuk-button govuk-button--secondary" disabled={busy} onClick={() => void markRead()}>
                  Mark all as read
                </button>
              )}
              <ul className="govuk-list govuk-list--spaced">
                {list.items.map((n) => (
                  <li key={n.id}>
                    {n.readAt === null && <strong className="govuk-tag govuk-tag--blue">New</strong>}{' '}
                    <Link className="govuk-link" href={`/cases/${encodeURIComponent(n.caseId)}`}>
                      {headline(n)}
                    </Link>
                    <br />
                    <span className="govuk-body-s">
                      {n.stage}. Waiting for {n.waitingFor}.
                      {n.deadline !== null && ` ${n.deadline.label ?? 'Next deadline'}: due by ${formatDate(n.deadline.due)}.`}{' '}
                      <span className="app-secondary-text">{formatDateTime(n.createdAt)}</span>
                    </span>
                    {n.readAt === null && (
                      <>
                        {' '}
                        <button type="button" className="govuk-link app-link-button govuk-body-s" disabled={busy} onClick={() => void markRead(n.id)}>
                          Mark as read<span className="govuk-visually-hidden"> {headline(n)}</span>
                        </button>
                      </>
                    )}
                  </li>
                ))}
              </ul>
            </>
          )
        }
      </Loaded>
    </>
  );
}
