import { lazy, Suspense } from 'react';
import { NavLink, Navigate, Outlet, Route, Routes } from 'react-router';
import { useSession } from './api/session';
import { Integrations } from './pages/Integrations';
import { SignIn } from './pages/SignIn';

// Pages load when first opened: the forms (react-jsonschema-form) and the chart (uPlot) stay out of the first load.
const AlertMappings = lazy(() => import('./pages/AlertMappings').then((m) => ({ default: m.AlertMappings })));
const Alerts = lazy(() => import('./pages/Alerts').then((m) => ({ default: m.Alerts })));
const Conflicts = lazy(() => import('./pages/Conflicts').then((m) => ({ default: m.Conflicts })));
const IncidentDetail = lazy(() => import('./pages/IncidentDetail').then((m) => ({ default: m.IncidentDetail })));
const Incidents = lazy(() => import('./pages/Incidents').then((m) => ({ default: m.Incidents })));
const IntegrationDetail = lazy(() => import('./pages/IntegrationDetail').then((m) => ({ default: m.IntegrationDetail })));
const NewIntegration = lazy(() => import('./pages/NewIntegration').then((m) => ({ default: m.NewIntegration })));
const Reconciliation = lazy(() => import('./pages/Reconciliation').then((m) => ({ default: m.Reconciliation })));
const Runs = lazy(() => import('./pages/Runs').then((m) => ({ default: m.Runs })));

function Layout() {
  const session = useSession();
  if (!session.me) return <Navigate to="/sign-in" replace />;
  return (
    <>
      <a className="skip" href="#content">Skip to content</a>
      <header>
        <span className="brand">ITSM Hub</span>
        <nav aria-label="Main">
          <NavLink to="/integrations">Integrations</NavLink>
          <NavLink to="/incidents">Incidents</NavLink>
          <NavLink to="/conflicts">Conflicts</NavLink>
          <NavLink to="/runs">Runs</NavLink>
          <NavLink to="/alerts">Alerts</NavLink>
        </nav>
        <span className="who">{session.me.role}{session.canEdit ? '' : ' (read-only)'}</span>
        <button type="button" onClick={session.signOut}>Sign out</button>
      </header>
      <div id="content">
        <Suspense fallback={<main aria-busy="true"><p>Loading…</p></main>}>
          <Outlet />
        </Suspense>
      </div>
    </>
  );
}

export function App() {
  return (
    <Routes>
      <Route path="/sign-in" element={<SignIn />} />
      <Route element={<Layout />}>
        <Route index element={<Navigate to="/integrations" replace />} />
        <Route path="/integrations" element={<Integrations />} />
        <Route path="/integrations/new" element={<NewIntegration />} />
        <Route path="/integrations/:id" element={<IntegrationDetail />} />
        <Route path="/incidents" element={<Incidents />} />
        <Route path="/incidents/:id" element={<IncidentDetail />} />
        <Route path="/integrations/:id/reconciliation" element={<Reconciliation />} />
        <Route path="/runs" element={<Runs />} />
        <Route path="/conflicts" element={<Conflicts />} />
        <Route path="/alerts" element={<Alerts />} />
        <Route path="/alert-mappings" element={<AlertMappings />} />
        <Route path="*" element={<main><h1>Not found</h1><p>No console page here.</p></main>} />
      </Route>
    </Routes>
  );
}
