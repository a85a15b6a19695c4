import { useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { NavLink, useLocation, useNavigate } from 'react-router';
import { logOut } from '../api/client';
import { useSession } from '../session';

const MAIN: [string, string][] = [
  ['/projects', 'Projects'],
  ['/logs', 'Logs'],
];
// Replication, scanners and the like join this list with the issues that build them.
const ADMINISTRATION: [string, string][] = [
  ['/admin/users', 'Users'],
  ['/admin/groups', 'Groups'],
  ['/admin/labels', 'Labels'],
  ['/admin/quotas', 'Project Quotas'],
  ['/admin/clean-up', 'Clean Up'],
  ['/admin/jobservice', 'Job Service Dashboard'],
  ['/admin/configuration', 'Configuration'],
  ['/admin/system', 'System Info'],
];

function NavList({ links, onFollow }: { links: [string, string][]; onFollow: () => void }) {
  return (
    <ul>
      {links.map(([to, label]) => (
        <li key={to}>
          <NavLink to={to} onClick={onFollow}>
            {label}
          </NavLink>
        </li>
      ))}
    </ul>
  );
}

// Harbor's frame: projects and logs for everyone, administration apart for system admins.
export function Layout({ children }: { children: ReactNode }) {
  const { user } = useSession();
  const client = useQueryClient();
  const navigate = useNavigate();
  const [menuOpen, setMenuOpen] = useState(false);
  const { pathname } = useLocation();
  const firstPage = useRef(true);
  // A new page moves the focus to its content, as a page load would, so that the keyboard and
  // screen readers start there rather than on the link that led to it.
  useEffect(() => {
    if (firstPage.current) firstPage.current = false;
    else document.getElementById('main')?.focus();
  }, [pathname]);
  const signOut = async () => {
    await logOut();
    client.setQueryData(['current-user'], null);
    // What this user could see is not kept for whoever logs in next.
    client.removeQueries({ predicate: (q) => q.queryKey[0] !== 'current-user' });
    navigate('/login');
  };
  const close = () => setMenuOpen(false);
  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <button
          type="button"
          className="menu-toggle"
          aria-expanded={menuOpen}
          aria-controls="side-nav"
          onClick={() => setMenuOpen(!menuOpen)}
        >
          Menu
        </button>
        <NavLink to="/projects" className="brand">
          Berth
        </NavLink>
        <span className="spacer" />
        <span className="who" aria-label="Logged in as">
          {user?.username}
        </span>
        <button type="button" onClick={signOut}>
          Log out
        </button>
      </header>
      <nav id="side-nav" className={menuOpen ? 'side open' : 'side'} aria-label="Main">
        <NavList links={MAIN} onFollow={close} />
        {user?.sysadmin_flag && (
          <>
            <h2 className="nav-heading">Administration</h2>
            <NavList links={ADMINISTRATION} onFollow={close} />
          </>
        )}
      </nav>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
