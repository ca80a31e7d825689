// The shell: header with navigation by role, the routes, sign-in.
import { Suspense, lazy, useEffect } from 'react';
import { api, releaseUrl } from './api/client';
import { ErrorBoundary, ErrorMessage, Loading, useLoad } from './components/common';
import { AuditPage } from './pages/Audit';
import { LoginPage } from './pages/Login';
import { ReleasePage } from './pages/Release';
import { ReleasesPage } from './pages/Releases';
import { Link, match, navigate, useLocation } from './router';
import { SessionProvider, useSession } from './session';

// The deploy form (react-jsonschema-form and ajv) loads when first needed.
const DeployPage = lazy(() => import('./pages/Deploy').then((m) => ({ default: m.DeployPage })));

export function App() {
  return (
    <SessionProvider>
      <Shell />
    </SessionProvider>
  );
}

function Shell() {
  const session = useSession();
  const { path } = useLocation();
  if (!session.token || !session.identity) return <LoginPage />;
  const who = session.identity;
  const navItems = [
    { to: '/', label: 'Releases', active: path === '/' || path.startsWith('/releases') },
    ...(session.canDeploy ? [{ to: '/deploy', label: 'Deploy', active: path.startsWith('/deploy') }] : []),
    ...(session.isAdmin ? [{ to: '/audit', label: 'Audit log', active: path.startsWith('/audit') }] : []),
  ];
  return (
    <>
      <a className="skip-link" href="#main">Skip to content</a>
      <header className="topbar">
        <Link to="/" className="brand"><span className="brand-mark" aria-hidden="true">⚓</span> Pier</Link>
        <nav aria-label="Main">
          <ul>
            {navItems.map((item) => (
              <li key={item.to}>
                <Link to={item.to} aria-current={item.active ? 'page' : undefined}>{item.label}</Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="who">
          <span className="who-name" title={who.scopes && who.scopes.length ? `scopes: ${who.scopes.join(', ')}` : undefined}>
            {who.user ?? 'signed in'} <span className={`badge role-${who.role}`}>{who.role}</span>
          </span>
          <button type="button" className="secondary small" onClick={() => { session.signOut(); navigate('/'); }}>Sign out</button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <ErrorBoundary resetKey={path}>
          <Suspense fallback={<Loading what="the page" />}>
            <Routes path={path} />
          </Suspense>
        </ErrorBoundary>
      </main>
    </>
  );
}

function Routes({ path }: { path: string }) {
  useEffect(() => {
    const titles: [string, string][] = [['/deploy', 'Deploy'], ['/audit', 'Audit log'], ['/releases/', 'Release']];
    const found = titles.find(([prefix]) => path.startsWith(prefix));
    document.title = found ? `${found[1]} · Pier` : 'Releases · Pier';
  }, [path]);
  if (path === '/' || path === '/releases') return <ReleasesPage />;
  if (path === '/deploy') return <DeployPage />;
  if (path === '/audit') return <AuditPage />;
  const release = match('/releases/:cluster/:namespace/:name', path);
  if (release) return <ReleasePage key={path} cluster={release.cluster} namespace={release.namespace} name={release.name} />;
  const operation = match('/operations/:id', path);
  if (operation) return <OperationRedirect id={operation.id} />;
  return (
    <div className="page">
      <h1>Not found</h1>
      <p>Nothing lives at <code>{path}</code>. <Link to="/">Go to the releases.</Link></p>
    </div>
  );
}

// /operations/{id}: the operation's release page, following it.
function OperationRedirect({ id }: { id: string }) {
  const op = useLoad(() => api.operation(id), [id]);
  useEffect(() => {
    if (op.data) navigate(`${releaseUrl(op.data)}?operation=${encodeURIComponent(id)}`, { replace: true });
  }, [op.data, id]);
  return (
    <div className="page">
      <h1>Operation {id}</h1>
      {op.loading && <Loading what="the operation" />}
      <ErrorMessage error={op.error} title="Could not load the operation" onRetry={op.reload} />
    </div>
  );
}
