import { NavLink, Navigate, Outlet, Route, Routes } from 'react-router';
import { useSession } from './api/session';
import { AlertMappings } from './pages/AlertMappings';
import { Alerts } from './pages/Alerts';
import { Conflicts } from './pages/Conflicts';
import { IncidentDetail } from './pages/IncidentDetail';
import { Incidents } from './pages/Incidents';
import { IntegrationDetail } from './pages/IntegrationDetail';
import { Integrations } from './pages/Integrations';
import { NewIntegration } from './pages/NewIntegration';
import { Reconciliation } from './pages/Reconciliation';
import { Runs } from './pages/Runs';
import { SignIn } from './pages/SignIn';

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
        <Outlet />
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
