import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Link, useRoute } from '../router.js';
import { useSession } from '../session.js';
import { applyTheme, currentTheme, type Theme } from '../theme.js';

/** Header (navigation, theme, logout) around every page; focus moves to the page's heading on navigation. */
export function Layout({ children }: { children: ComponentChildren }) {
  const session = useSession();
  const route = useRoute();
  const [theme, setTheme] = useState<Theme>(currentTheme());

  useEffect(() => {
    const heading = document.querySelector<HTMLElement>('main h1');
    if (heading && document.activeElement === document.body) heading.focus();
  }, [route.path]);

  const toggleTheme = () => {
    const next: Theme = theme === 'dark' ? 'light' : 'dark';
    applyTheme(next, true);
    setTheme(next);
  };
  const current = (path: string) => (route.path === path || route.path.startsWith(`${path}/`) ? 'page' : undefined);

  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="top">
        <span class="brand">Helm releases</span>
        {session.state === 'in' && (
          <nav aria-label="Main">
            <Link href="/releases" aria-current={current('/releases')}>
              Releases
            </Link>
            <Link href="/install" aria-current={current('/install')}>
              Install
            </Link>
            <Link href="/repositories" aria-current={current('/repositories')}>
              Repositories
            </Link>
            <Link href="/kubeconfig" aria-current={current('/kubeconfig')}>
              Kubeconfig
            </Link>
            <Link href="/tokens" aria-current={current('/tokens')}>
              API tokens
            </Link>
            <Link href="/audit" aria-current={current('/audit')}>
              Audit
            </Link>
          </nav>
        )}
        <div class="top-actions">
          <button type="button" class="secondary" onClick={toggleTheme} aria-label={`Use ${theme === 'dark' ? 'light' : 'dark'} theme`}>
            {theme === 'dark' ? 'Light' : 'Dark'}
          </button>
          {session.state === 'in' && (
            <>
              <span class="who">{session.user?.email}</span>
              <button type="button" class="secondary" onClick={() => void session.logout()}>
                Log out
              </button>
            </>
          )}
        </div>
      </header>
      <main id="main">{children}</main>
    </>
  );
}
