import { useQueryClient } from '@tanstack/react-query';
import type { ComponentType } from 'react';
import { useEffect } from 'react';
import { createBrowserRouter, Navigate, Outlet, RouterProvider, useLocation, useNavigate } from 'react-router';
import { setUnauthorizedHandler } from './api/client';
import { Layout } from './components/Layout';
import { LoginPage } from './pages/LoginPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { ProjectLayout } from './pages/project/ProjectLayout';
import { RepositoriesTab } from './pages/project/RepositoriesTab';
import { ProjectsPage } from './pages/ProjectsPage';
import { SessionProvider, useSession } from './session';

// Everything but the login page needs a session; without one, log in and come back.
function RequireSession() {
  const { user, loading } = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const client = useQueryClient();
  useEffect(() => {
    setUnauthorizedHandler(() => {
      client.setQueryData(['current-user'], null);
      navigate(`/login?next=${encodeURIComponent(location.pathname + location.search)}`);
    });
  }, [client, navigate, location]);
  if (loading) return <p className="empty">Loading…</p>;
  if (!user) return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  return (
    <Layout>
      <Outlet />
    </Layout>
  );
}

function RequireAdmin() {
  const { user } = useSession();
  if (!user?.sysadmin_flag) return <NotFoundPage />;
  return <Outlet />;
}

// A page loads with its route, before the route renders (a lazy route, not React.lazy: React
// holds a suspended page back for 300 ms), so that a first visit downloads only the frame.
function page<M>(load: () => Promise<M>, name: keyof M) {
  return async () => ({ Component: (await load())[name] as ComponentType });
}

const router = createBrowserRouter([
  { path: '/login', element: <LoginPage /> },
  {
    element: <RequireSession />,
    children: [
      { path: '/', element: <Navigate to="/projects" replace /> },
      { path: '/projects', element: <ProjectsPage /> },
      {
        path: '/projects/:project',
        element: <ProjectLayout />,
        children: [
          { index: true, element: <Navigate to="repositories" replace /> },
          { path: 'summary', lazy: page(() => import('./pages/project/SummaryTab'), 'SummaryTab') },
          { path: 'repositories', element: <RepositoriesTab /> },
          { path: 'members', lazy: page(() => import('./pages/project/MembersTab'), 'MembersTab') },
          { path: 'robots', lazy: page(() => import('./pages/project/RobotsTab'), 'RobotsTab') },
          { path: 'policy', lazy: page(() => import('./pages/project/PolicyTab'), 'PolicyTab') },
          { path: 'webhooks', lazy: page(() => import('./pages/project/WebhooksTab'), 'WebhooksTab') },
          { path: 'logs', lazy: page(() => import('./pages/project/ProjectLogsTab'), 'ProjectLogsTab') },
          { path: 'configuration', lazy: page(() => import('./pages/project/ProjectConfigTab'), 'ProjectConfigTab') },
        ],
      },
      {
        path: '/projects/:project/repositories/:repository',
        lazy: page(() => import('./pages/project/RepositoryPage'), 'RepositoryPage'),
      },
      {
        path: '/projects/:project/repositories/:repository/artifacts/:digest',
        lazy: page(() => import('./pages/project/ArtifactPage'), 'ArtifactPage'),
      },
      { path: '/logs', lazy: page(() => import('./pages/AuditLogsPage'), 'AuditLogsPage') },
      {
        path: '/admin',
        element: <RequireAdmin />,
        children: [
          { index: true, element: <Navigate to="users" replace /> },
          { path: 'users', lazy: page(() => import('./pages/admin/UsersPage'), 'UsersPage') },
          { path: 'groups', lazy: page(() => import('./pages/admin/GroupsPage'), 'GroupsPage') },
          { path: 'labels', lazy: page(() => import('./pages/admin/LabelsPage'), 'LabelsPage') },
          { path: 'quotas', lazy: page(() => import('./pages/admin/QuotasPage'), 'QuotasPage') },
          { path: 'clean-up', element: <Navigate to="gc" replace /> },
          { path: 'clean-up/gc', lazy: page(() => import('./pages/admin/GcPage'), 'GcPage') },
          {
            path: 'clean-up/log-rotation',
            lazy: page(() => import('./pages/admin/LogRotationPage'), 'LogRotationPage'),
          },
          { path: 'jobservice', lazy: page(() => import('./pages/admin/JobServicePage'), 'JobServicePage') },
          { path: 'configuration', lazy: page(() => import('./pages/admin/ConfigurationPage'), 'ConfigurationPage') },
          { path: 'system', lazy: page(() => import('./pages/admin/SystemInfoPage'), 'SystemInfoPage') },
        ],
      },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);

export function App() {
  return (
    <SessionProvider>
      <RouterProvider router={router} />
    </SessionProvider>
  );
}
