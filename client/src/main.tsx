import 'govuk-frontend/dist/govuk/govuk-frontend.min.css';
import './app.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { SessionProvider } from './session.tsx';

// What GOV.UK's page template does with an inline script, which the strict CSP forbids: govuk-frontend's
// components start, and its CSS hides what their scripts reveal, only under this class.
document.body.classList.add('govuk-frontend-supported');

createRoot(document.getElementById('app')!).render(
  <StrictMode>
    <SessionProvider>
      <App />
    </SessionProvider>
  </StrictMode>,
);
