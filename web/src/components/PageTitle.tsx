import { useEffect } from 'react';

// The page's heading, which is also the window's title: what a tab, the history and a screen
// reader announce when a route changes.
export function PageTitle({ children, className }: { children: string; className?: string }) {
  useEffect(() => {
    document.title = `${children} · Berth`;
  }, [children]);
  return <h1 className={className}>{children}</h1>;
}
