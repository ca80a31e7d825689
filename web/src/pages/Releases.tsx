// Releases: filters (cluster, namespace, app, status) and a search of the
// names, kept in the address so a view can be bookmarked; cursor paging.
import { useEffect, useState, type FormEvent } from 'react';
import { api, releaseUrl } from '../api/client';
import type { AppSummary, Cluster, Page, ReleaseSummary } from '../api/types';
import { ErrorMessage, Loading, StatusBadge, Time, useLoad } from '../components/common';
import { Link, navigate, useLocation } from '../router';
import { useSession } from '../session';

const STATUSES = ['pending', 'deployed', 'failed', 'superseded', 'interrupted'];
const FILTERS = ['cluster', 'namespace', 'app', 'status', 'q'] as const;
type Filters = Record<(typeof FILTERS)[number], string>;

export function ReleasesPage() {
  const { search } = useLocation();
  const session = useSession();
  const filters: Filters = { cluster: '', namespace: '', app: '', status: '', q: '' };
  for (const key of FILTERS) filters[key] = search.get(key) ?? '';
  const after = search.get('after') ?? '';
  const limit = Math.min(Math.max(Number(search.get('limit') ?? 25) || 25, 1), 500);
  const key = search.toString();
  const page = useLoad<Page<ReleaseSummary>>(() => api.releases({ ...filters, after, limit }), [key]);
  const clusters = useLoad<Cluster[]>(() => api.clusters(), []);
  const apps = useLoad<AppSummary[]>(() => api.apps(), []);
  const [draft, setDraft] = useState<Filters>(filters);
  // The cursors of the pages before this one, for "Previous".
  const [cursors, setCursors] = useState<string[]>([]);

  useEffect(() => setDraft(filters), [key]); // eslint-disable-line react-hooks/exhaustive-deps

  const go = (next: Filters, cursor: string) => {
    const params = new URLSearchParams();
    for (const k of FILTERS) if (next[k]) params.set(k, next[k]);
    if (search.get('limit')) params.set('limit', String(limit));
    if (cursor) params.set('after', cursor);
    const text = params.toString();
    navigate(text ? `/?${text}` : '/');
  };

  const apply = (event: FormEvent) => {
    event.preventDefault();
    setCursors([]);
    go(draft, '');
  };

  const clear = () => {
    const empty: Filters = { cluster: '', namespace: '', app: '', status: '', q: '' };
    setDraft(empty);
    setCursors([]);
    go(empty, '');
  };

  const items = page.data?.items ?? [];
  const active = FILTERS.filter((k) => filters[k]).length;

  return (
    <div className="page releases">
      <header className="page-header">
        <h1>Releases</h1>
        {session.canDeploy && (
          <div className="actions">
            <Link to="/deploy" className="button">New deployment</Link>
          </div>
        )}
      </header>
      <form className="card filters" onSubmit={apply} role="search" aria-label="Filter releases">
        <div className="field">
          <label htmlFor="f-q">Search names</label>
          <input id="f-q" type="search" value={draft.q} onChange={(e) => setDraft({ ...draft, q: e.target.value })} placeholder="web" />
        </div>
        <div className="field">
          <label htmlFor="f-cluster">Cluster</label>
          <select id="f-cluster" value={draft.cluster} onChange={(e) => setDraft({ ...draft, cluster: e.target.value })}>
            <option value="">All</option>
            {(clusters.data ?? []).map((c) => <option key={c.name} value={c.name}>{c.name}{c.datacenter ? ` (${c.datacenter})` : ''}</option>)}
            {draft.cluster && !(clusters.data ?? []).some((c) => c.name === draft.cluster) && <option value={draft.cluster}>{draft.cluster}</option>}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-namespace">Namespace</label>
          <input id="f-namespace" type="text" value={draft.namespace} onChange={(e) => setDraft({ ...draft, namespace: e.target.value.trim() })} />
        </div>
        <div className="field">
          <label htmlFor="f-app">App</label>
          <select id="f-app" value={draft.app} onChange={(e) => setDraft({ ...draft, app: e.target.value })}>
            <option value="">All</option>
            {(apps.data ?? []).map((a) => <option key={a.name} value={a.name}>{a.name}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-status">Status</label>
          <select id="f-status" value={draft.status} onChange={(e) => setDraft({ ...draft, status: e.target.value })}>
            <option value="">All</option>
            {STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </div>
        <div className="form-actions">
          <button type="submit">Filter</button>
          {active > 0 && <button type="button" className="secondary" onClick={clear}>Clear filters</button>}
        </div>
      </form>

      <ErrorMessage error={page.error} title="Could not load the releases" onRetry={page.reload} />
      {page.loading && <Loading what="the releases" />}
      {!page.loading && !page.error && items.length === 0 && (
        <p className="empty card">
          {active > 0 ? 'No release matches these filters.' : 'No releases yet.'}{' '}
          {session.canDeploy && active === 0 && <Link to="/deploy">Deploy the first one.</Link>}
        </p>
      )}
      {items.length > 0 && (
        <div className="table-wrap card">
          <table className="responsive release-table">
            <caption className="visually-hidden">Releases{active > 0 ? ' matching the filters' : ''}</caption>
            <thead>
              <tr>
                <th scope="col">Release</th>
                <th scope="col">Where</th>
                <th scope="col">App</th>
                <th scope="col">Revision</th>
                <th scope="col">Status</th>
                <th scope="col">Updated</th>
                <th scope="col">Message</th>
              </tr>
            </thead>
            <tbody>
              {items.map((r) => (
                <tr key={`${r.cluster}/${r.namespace}/${r.name}`}>
                  <td data-label="Release"><Link to={releaseUrl(r)}>{r.name}</Link></td>
                  <td data-label="Where">{r.cluster}/{r.namespace}</td>
                  <td data-label="App">{r.app} <span className="muted">{r.app_version}</span></td>
                  <td data-label="Revision">{r.revision}{r.deployed_revision > 0 && r.deployed_revision !== r.revision ? <span className="muted"> (live {r.deployed_revision})</span> : null}</td>
                  <td data-label="Status">
                    <StatusBadge status={r.status} />
                    {r.active_operation && <span className="badge status-running">{r.active_operation.kind} running</span>}
                  </td>
                  <td data-label="Updated"><Time at={r.finished_at ?? r.created_at} /> <span className="muted">by {r.user}</span></td>
                  <td data-label="Message">{r.message || <span className="muted">—</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {(page.data?.next || after) && (
        <nav className="pager" aria-label="Pages">
          {after && (
            <button type="button" className="secondary" onClick={() => {
              const previous = cursors.slice(0, -1);
              const cursor = cursors[cursors.length - 1] ?? '';
              setCursors(previous);
              go(filters, cursor);
            }}>Previous page</button>
          )}
          {page.data?.next && (
            <button type="button" className="secondary" onClick={() => {
              setCursors([...cursors, after]);
              go(filters, page.data!.next!);
            }}>Next page</button>
          )}
        </nav>
      )}
    </div>
  );
}
