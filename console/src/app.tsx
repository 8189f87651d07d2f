import { useEffect } from 'preact/hooks';
import { Layout } from './components/layout.js';
import { AuthPage } from './pages/auth-page.js';
import { AuditPage } from './pages/audit-page.js';
import { InstallPage } from './pages/install-page.js';
import { KubeconfigPage } from './pages/kubeconfig-page.js';
import { ReleasePage } from './pages/release-page.js';
import { ReleasesPage } from './pages/releases-page.js';
import { RepositoriesPage } from './pages/repositories-page.js';
import { TokensPage } from './pages/tokens-page.js';
import { navigate, useRoute } from './router.js';
import { SessionProvider, useSession } from './session.js';

export function App() {
  return (
    <SessionProvider>
      <Pages />
    </SessionProvider>
  );
}

const publicPaths = new Set(['/login', '/signup']);

/** `/releases/{context}/{namespace}/{name}`: each segment URI-encoded (context names may hold anything). */
export const releasePath = (context: string, namespace: string, name: string): string =>
  `/releases/${[context, namespace, name].map(encodeURIComponent).join('/')}`;

function Pages() {
  const session = useSession();
  const route = useRoute();
  const isPublic = publicPaths.has(route.path);

  useEffect(() => {
    if (session.state === 'out' && !isPublic) navigate('/login', { replace: true });
    if (session.state === 'in' && (isPublic || route.path === '/')) navigate('/releases', { replace: true });
  }, [session.state, isPublic, route.path]);

  if (session.state === 'checking') return <p class="loading">Loading…</p>;
  if (session.state === 'out' || isPublic) {
    return (
      <Layout>
        <AuthPage mode={route.path === '/signup' ? 'signup' : 'login'} />
      </Layout>
    );
  }
  const release = /^\/releases\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(route.path);
  return (
    <Layout>
      {route.path === '/kubeconfig' ? (
        <KubeconfigPage />
      ) : route.path === '/install' ? (
        // Keyed by the address: a link to another chart (or to a blank page) starts the page afresh.
        <InstallPage key={route.query.toString()} query={route.query} />
      ) : route.path === '/audit' ? (
        <AuditPage query={route.query} />
      ) : route.path === '/repositories' ? (
        <RepositoriesPage query={route.query} />
      ) : route.path === '/tokens' ? (
        <TokensPage />
      ) : release ? (
        <ReleasePage
          context={decodeURIComponent(release[1]!)}
          namespace={decodeURIComponent(release[2]!)}
          name={decodeURIComponent(release[3]!)}
          query={route.query}
        />
      ) : (
        <ReleasesPage query={route.query} />
      )}
    </Layout>
  );
}
