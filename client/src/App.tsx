import type { ReactNode } from 'react';
import type { CaseId, ProcessId, User } from './apiTypes.ts';
import { Layout } from './components/Layout.tsx';
import { Loaded } from './components/Loaded.tsx';
import { PageHeading } from './components/PageHeading.tsx';
import { AnnualReportPage } from './pages/AnnualReportPage.tsx';
import { CasePage } from './pages/CasePage.tsx';
import { CasesPage } from './pages/CasesPage.tsx';
import { ChooseProcessPage } from './pages/ChooseProcessPage.tsx';
import { ConfigurationPage } from './pages/ConfigurationPage.tsx';
import { ConfiguredProcessPage } from './pages/ConfiguredProcessPage.tsx';
import { EscalationLogPage } from './pages/EscalationLogPage.tsx';
import { EventPage } from './pages/EventPage.tsx';
import { NotificationsPage } from './pages/NotificationsPage.tsx';
import { ProcessGraphPage } from './pages/ProcessGraphPage.tsx';
import { ProcessesPage } from './pages/ProcessesPage.tsx';
import { ReportsPage } from './pages/ReportsPage.tsx';
import { SignInPage } from './pages/SignInPage.tsx';
import { StartCasePage } from './pages/StartCasePage.tsx';
import { UploadProcessPage } from './pages/UploadProcessPage.tsx';
import { PartnershipProvider, usePartnershipLoader } from './partnership.tsx';
import { matchPath, useLocation } from './router.tsx';
import { useSession } from './session.tsx';

type Route = [pattern: string, render: (params: Record<string, string>) => ReactNode];

/** Every page's address. The server answers each with index.html, so these work on reload too. */
const ROUTES: Route[] = [
  ['/', () => <CasesPage mine />],
  ['/cases', () => <CasesPage mine={false} />],
  ['/cases/:id', ({ id }) => <CasePage key={id} id={id as CaseId} />],
  ['/cases/:id/events/:type', ({ id, type }) => <EventPage key={`${id}/${type}`} id={id as CaseId} type={type} />],
  ['/start', () => <ChooseProcessPage />],
  ['/start/:process', ({ process }) => <StartCasePage key={process} process={process as ProcessId} />],
  ['/escalation-log', () => <EscalationLogPage />],
  ['/reports', () => <ReportsPage />],
  ['/reports/annual', () => <AnnualReportPage />],
  ['/reports/annual/:table', ({ table }) => <AnnualReportPage key={table} table={table} />],
  ['/notifications', () => <NotificationsPage />],
  ['/processes', () => <ProcessesPage />],
  ['/processes/:process', ({ process }) => <ProcessGraphPage key={process} process={process as ProcessId} />],
  ['/configuration', () => <ConfigurationPage />],
  ['/configuration/:process', ({ process }) => <ConfiguredProcessPage key={process} process={process as ProcessId} />],
  ['/configuration/:process/upload', ({ process }) => <UploadProcessPage key={process} process={process as ProcessId} />],
];

function NotFoundPage() {
  return (
    <>
      <PageHeading>Page not found</PageHeading>
      <p className="govuk-body">If you typed the web address, check it is correct.</p>
    </>
  );
}

function CurrentPage() {
  const { pathname } = useLocation();
  for (const [pattern, render] of ROUTES) {
    const params = matchPath(pattern, pathname);
    if (params) return <>{render(params)}</>;
  }
  return <NotFoundPage />;
}

function SignedIn({ user, onSignOut }: { user: User; onSignOut: () => void }) {
  const partnership = usePartnershipLoader(user.username);
  return (
    <Layout
      partnershipName={partnership.status === 'ready' ? partnership.data?.name : undefined}
      mayConfigure={partnership.status === 'ready' && partnership.data?.mayConfigure === true}
      user={user}
      onSignOut={onSignOut}
    >
      <Loaded resource={partnership} page>
        {(mine) =>
          mine ? (
            <PartnershipProvider partnership={mine}>
              <CurrentPage />
            </PartnershipProvider>
          ) : (
            <p className="govuk-body">Your account is not part of a partnership. Ask your business unit to set it up.</p>
          )
        }
      </Loaded>
    </Layout>
  );
}

export function App() {
  const { state, signOut } = useSession();
  switch (state.status) {
    case 'loading':
      return (
        <Layout>
          <p className="govuk-body" role="status">
            Loading…
          </p>
        </Layout>
      );
    case 'signed-out':
      return (
        <Layout>
          <SignInPage />
        </Layout>
      );
    case 'signed-in':
      return <SignedIn user={state.user} onSignOut={() => void signOut()} />;
  }
}
