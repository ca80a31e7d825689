// The audit log (admins): who did what to which release, preset or token.
import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { AuditEntry } from '../api/types';
import { ErrorMessage, Loading, Time } from '../components/common';
import { useSession } from '../session';

const ACTIONS = ['release.install', 'release.upgrade', 'release.rollback', 'preset.save', 'preset.delete', 'token.create', 'token.revoke'];

export function AuditPage() {
  const session = useSession();
  const [filters, setFilters] = useState({ user: '', action: '', target: '' });
  const [draft, setDraft] = useState(filters);
  const [items, setItems] = useState<AuditEntry[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);

  const load = async (after: string, append: boolean) => {
    setLoading(true);
    setError(null);
    try {
      const page = await api.audit({ ...filters, after: after || undefined, limit: 50 });
      setItems((old) => (append ? [...old, ...page.items] : page.items));
      setNext(page.next);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  };

  useEffect(() => {
    if (session.isAdmin) void load('', false);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [filters, session.isAdmin]);

  if (!session.isAdmin) {
    return (
      <div className="page">
        <h1>Audit log</h1>
        <p className="alert info">The audit log is for admins.</p>
      </div>
    );
  }

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setFilters({ ...draft });
  };

  return (
    <div className="page audit">
      <h1>Audit log</h1>
      <form className="card filters" onSubmit={submit} role="search" aria-label="Filter the audit log">
        <div className="field">
          <label htmlFor="a-user">User</label>
          <input id="a-user" type="text" value={draft.user} onChange={(e) => setDraft({ ...draft, user: e.target.value.trim() })} />
        </div>
        <div className="field">
          <label htmlFor="a-action">Action</label>
          <select id="a-action" value={draft.action} onChange={(e) => setDraft({ ...draft, action: e.target.value })}>
            <option value="">All</option>
            {ACTIONS.map((a) => <option key={a} value={a}>{a}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="a-target">Target</label>
          <input id="a-target" type="text" value={draft.target} onChange={(e) => setDraft({ ...draft, target: e.target.value.trim() })}
            placeholder="local/shop/web" />
        </div>
        <div className="form-actions"><button type="submit">Filter</button></div>
      </form>
      <ErrorMessage error={error} title="Could not load the audit log" onRetry={() => void load('', false)} />
      {items.length === 0 && !loading && !error && <p className="empty card">No entries.</p>}
      {items.length > 0 && (
        <div className="table-wrap card">
          <table className="responsive audit-table">
            <caption className="visually-hidden">Audit log entries, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">User</th>
                <th scope="col">Action</th>
                <th scope="col">Target</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {items.map((entry) => (
                <tr key={entry.id}>
                  <td data-label="When"><Time at={entry.time} /></td>
                  <td data-label="User">{entry.user}</td>
                  <td data-label="Action"><code>{entry.action}</code></td>
                  <td data-label="Target">{entry.target}</td>
                  <td data-label="Details">
                    <Details details={entry.details} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {loading && <Loading what="the audit log" />}
      {next && !loading && (
        <nav className="pager" aria-label="Pages">
          <button type="button" className="secondary" onClick={() => void load(next, true)}>Load older entries</button>
        </nav>
      )}
    </div>
  );
}

function Details({ details }: { details: Record<string, unknown> }) {
  const keys = Object.keys(details ?? {});
  if (keys.length === 0) return <span className="muted">—</span>;
  const summary = keys
    .filter((k) => k !== 'values' && typeof details[k] !== 'object')
    .map((k) => `${k}: ${String(details[k])}`)
    .join(', ');
  return (
    <details>
      <summary>{summary || keys.join(', ')}</summary>
      <pre className="code small">{JSON.stringify(details, null, 2)}</pre>
    </details>
  );
}
