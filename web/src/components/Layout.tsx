import { useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { NavLink, useLocation, useNavigate } from 'react-router';
import { logOut } from '../api/client';
import { useSession } from '../session';

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
        <ul>
          <li>
            <NavLink to="/projects" onClick={close}>
              Projects
            </NavLink>
          </li>
          <li>
            <NavLink to="/logs" onClick={close}>
              Logs
            </NavLink>
          </li>
        </ul>
        {user?.sysadmin_flag && (
          <>
            <h2 className="nav-heading">Administration</h2>
            <ul>
              <li>
                <NavLink to="/admin/users" onClick={close}>
                  Users
                </NavLink>
              </li>
              <li>
                <NavLink to="/admin/groups" onClick={close}>
                  Groups
                </NavLink>
              </li>
              <li>
                <NavLink to="/admin/labels" onClick={close}>
                  Labels
                </NavLink>
              </li>
              <li>
                <NavLink to="/admin/quotas" onClick={close}>
                  Project Quotas
                </NavLink>
              </li>
              <li>
                <NavLink to="/admin/clean-up" onClick={close}>
                  Clean Up
                </NavLink>
              </li>
              <li>
                <NavLink to="/admin/jobservice" onClick={close}>
                  Job Service Dashboard
                </NavLink>
              </li>
              <li>
                <NavLink to="/admin/configuration" onClick={close}>
                  Configuration
                </NavLink>
              </li>
              <li>
                <NavLink to="/admin/system" onClick={close}>
                  System Info
                </NavLink>
              </li>
            </ul>
          </>
        )}
      </nav>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
