// One release: its live operation, its history (who, when, message, status
// and why), the values and manifests of any revision, the diff between any
// two, rollback after seeing its diff, and saving the values as a preset.
import { useEffect, useState, type FormEvent } from 'react';
import { api, releaseUrl } from '../api/client';
import type { Diff, Operation, Revision, RevisionDetail } from '../api/types';
import { DiffView } from '../components/DiffView';
import { Dialog } from '../components/Dialog';
import { OperationProgress } from '../components/OperationProgress';
import { ErrorMessage, Loading, StatusBadge, Time, useLoad } from '../components/common';
import { Link, navigate, useLocation } from '../router';
import { useSession } from '../session';
import { SECRET_MASK, isObject } from '../lib/values';
import type { JsonObject } from '../api/types';

function withoutMaskedSecrets(values: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(values)) {
    if (v === SECRET_MASK) continue;
    out[k] = isObject(v) ? withoutMaskedSecrets(v) : v;
  }
  return out;
}

export function ReleasePage({ cluster, namespace, name }: { cluster: string; namespace: string; name: string }) {
  const { search } = useLocation();
  const session = useSession();
  const operationParam = search.get('operation');
  const release = useLoad(() => api.release(cluster, namespace, name), [cluster, namespace, name]);
  const history = useLoad(() => api.revisions(cluster, namespace, name), [cluster, namespace, name]);
  const [viewing, setViewing] = useState<number | null>(null);
  const [compare, setCompare] = useState<{ from: number; to: number } | null>(null);
  const [rollbackTo, setRollbackTo] = useState<number | null>(null);
  const [savePreset, setSavePreset] = useState(false);

  const operationId = operationParam ?? release.data?.active_operation?.id ?? null;
  const revisions = history.data ?? [];
  const latest = revisions[0];

  useEffect(() => {
    if (viewing === null && latest) setViewing(latest.revision);
  }, [latest, viewing]);

  const onEnd = (_op: Operation) => {
    release.reload();
    history.reload();
  };

  if (release.error) {
    return (
      <div className="page">
        <h1>{name}</h1>
        <ErrorMessage error={release.error} title="Could not load the release" onRetry={release.reload} />
        <p><Link to="/">Back to the releases</Link></p>
      </div>
    );
  }

  const r = release.data;
  return (
    <div className="page release">
      <nav aria-label="Breadcrumb" className="breadcrumb"><Link to="/">Releases</Link> › {cluster} › {namespace}</nav>
      <header className="page-header">
        <div>
          <h1>{name}</h1>
          {r && (
            <p className="release-facts">
              <span>{r.app} {r.app_version}</span> · <span>{cluster}/{namespace}</span> ·{' '}
              <span>revision {r.revision} <StatusBadge status={r.status} /></span> ·{' '}
              <span>{r.deployed_revision > 0 ? `live: revision ${r.deployed_revision}` : 'nothing live'}</span>
            </p>
          )}
          {r?.status_detail && <p className="status-detail">{r.status_detail}</p>}
        </div>
        {r && session.canDeploy && (
          <div className="actions">
            <button type="button" onClick={() => navigate(`/deploy?app=${encodeURIComponent(r.app)}&cluster=${encodeURIComponent(cluster)}&namespace=${encodeURIComponent(namespace)}&name=${encodeURIComponent(name)}`)}>
              Upgrade
            </button>
            <button type="button" className="secondary" onClick={() => setSavePreset(true)}>Save values as preset</button>
          </div>
        )}
      </header>
      {release.loading && !r && <Loading what="the release" />}

      {operationId && <OperationProgress key={operationId} id={operationId} onEnd={onEnd} />}

      <section aria-labelledby="history-title" className="card">
        <h2 id="history-title">History</h2>
        <ErrorMessage error={history.error} title="Could not load the history" onRetry={history.reload} />
        {history.loading && revisions.length === 0 && <Loading what="the history" />}
        <div className="table-wrap">
          <table className="history responsive">
            <thead>
              <tr>
                <th scope="col">Revision</th>
                <th scope="col">Status</th>
                <th scope="col">Who</th>
                <th scope="col">When</th>
                <th scope="col">Message</th>
                <th scope="col"><span className="visually-hidden">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {revisions.map((rev) => (
                <tr key={rev.revision} className={rev.revision === viewing ? 'selected' : ''}>
                  <td data-label="Revision">{rev.revision} <span className="muted">({rev.app} {rev.app_version})</span></td>
                  <td data-label="Status">
                    <StatusBadge status={rev.status} />
                    {rev.status_detail && <div className="status-detail">{rev.status_detail}</div>}
                  </td>
                  <td data-label="Who">{rev.user}</td>
                  <td data-label="When"><Time at={rev.created_at} /></td>
                  <td data-label="Message">{rev.message || <span className="muted">—</span>}</td>
                  <td data-label="Actions" className="row-actions">
                    <button type="button" className="secondary small" onClick={() => setViewing(rev.revision)}
                      aria-label={`View revision ${rev.revision}`} aria-pressed={rev.revision === viewing}>View</button>
                    {latest && rev.revision !== latest.revision && (
                      <button type="button" className="secondary small"
                        onClick={() => setCompare({ from: rev.revision, to: latest.revision })}
                        aria-label={`Compare revision ${rev.revision} with ${latest.revision}`}>Compare</button>
                    )}
                    {session.canDeploy && latest && rev.revision !== latest.revision && (
                      <button type="button" className="secondary small" onClick={() => setRollbackTo(rev.revision)}
                        aria-label={`Roll back to revision ${rev.revision}`}>Roll back</button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      {revisions.length > 1 && (
        <CompareForm revisions={revisions} value={compare} onCompare={setCompare} />
      )}
      {compare && <RevisionDiff cluster={cluster} namespace={namespace} name={name} {...compare} />}

      {viewing !== null && <RevisionViewer cluster={cluster} namespace={namespace} name={name} revision={viewing} />}

      <RollbackDialog cluster={cluster} namespace={namespace} name={name} revision={rollbackTo}
        onClose={() => setRollbackTo(null)}
        onStarted={(op) => {
          setRollbackTo(null);
          navigate(`${releaseUrl({ cluster, namespace, name })}?operation=${encodeURIComponent(op)}`, { replace: true });
          release.reload();
          history.reload();
        }} />
      {r && (
        <SavePresetDialog open={savePreset} onClose={() => setSavePreset(false)} app={r.app}
          cluster={cluster} namespace={namespace} name={name} revision={r.revision} />
      )}
    </div>
  );
}

function CompareForm({ revisions, value, onCompare }: {
  revisions: Revision[]; value: { from: number; to: number } | null; onCompare: (v: { from: number; to: number }) => void;
}) {
  const [from, setFrom] = useState(value?.from ?? revisions[1].revision);
  const [to, setTo] = useState(value?.to ?? revisions[0].revision);
  useEffect(() => {
    if (value) {
      setFrom(value.from);
      setTo(value.to);
    }
  }, [value]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onCompare({ from, to });
  };
  return (
    <form className="card compare-form" onSubmit={submit} aria-labelledby="compare-title">
      <h2 id="compare-title">Compare two revisions</h2>
      <div className="inline-fields">
        <div className="field">
          <label htmlFor="compare-from">From</label>
          <select id="compare-from" value={from} onChange={(e) => setFrom(Number(e.target.value))}>
            {revisions.map((r) => <option key={r.revision} value={r.revision}>Revision {r.revision} ({r.status})</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="compare-to">To</label>
          <select id="compare-to" value={to} onChange={(e) => setTo(Number(e.target.value))}>
            {revisions.map((r) => <option key={r.revision} value={r.revision}>Revision {r.revision} ({r.status})</option>)}
          </select>
        </div>
        <button type="submit">Show the diff</button>
      </div>
    </form>
  );
}

function RevisionDiff({ cluster, namespace, name, from, to }: { cluster: string; namespace: string; name: string; from: number; to: number }) {
  const diff = useLoad<Diff>(() => api.diff(cluster, namespace, name, from, to), [cluster, namespace, name, from, to]);
  return (
    <section className="card" aria-labelledby="diff-title">
      <h2 id="diff-title">Revision {from} → revision {to}</h2>
      {diff.loading && <Loading what="the diff" />}
      <ErrorMessage error={diff.error} title="Could not compute the diff" onRetry={diff.reload} />
      {diff.data && !diff.loading && <DiffView diff={diff.data} />}
    </section>
  );
}

function RevisionViewer({ cluster, namespace, name, revision }: { cluster: string; namespace: string; name: string; revision: number }) {
  const detail = useLoad<RevisionDetail>(() => api.revision(cluster, namespace, name, revision), [cluster, namespace, name, revision]);
  const [tab, setTab] = useState<'values' | 'manifests'>('values');
  return (
    <section className="card" aria-labelledby="revision-title">
      <h2 id="revision-title">Revision {revision}</h2>
      {detail.loading && <Loading what={`revision ${revision}`} />}
      <ErrorMessage error={detail.error} title={`Could not load revision ${revision}`} onRetry={detail.reload} />
      {detail.data && (
        <>
          <p className="muted">
            {detail.data.app} {detail.data.app_version} · by {detail.data.user} · <Time at={detail.data.created_at} />
            {detail.data.finished_at && <> · finished <Time at={detail.data.finished_at} /></>}
          </p>
          <div role="tablist" aria-label={`Revision ${revision}`} className="tabs">
            <button type="button" role="tab" id="tab-values" aria-selected={tab === 'values'} aria-controls="panel-values"
              tabIndex={tab === 'values' ? 0 : -1} onClick={() => setTab('values')}
              onKeyDown={(e) => (e.key === 'ArrowRight' || e.key === 'ArrowLeft') && (setTab('manifests'), document.getElementById('tab-manifests')?.focus())}>
              Values
            </button>
            <button type="button" role="tab" id="tab-manifests" aria-selected={tab === 'manifests'} aria-controls="panel-manifests"
              tabIndex={tab === 'manifests' ? 0 : -1} onClick={() => setTab('manifests')}
              onKeyDown={(e) => (e.key === 'ArrowRight' || e.key === 'ArrowLeft') && (setTab('values'), document.getElementById('tab-values')?.focus())}>
              Manifests
            </button>
          </div>
          {tab === 'values' ? (
            <pre id="panel-values" role="tabpanel" aria-labelledby="tab-values" className="code" tabIndex={0}>
              {JSON.stringify(detail.data.values, null, 2)}
            </pre>
          ) : (
            <pre id="panel-manifests" role="tabpanel" aria-labelledby="tab-manifests" className="code" tabIndex={0}>
              {detail.data.manifests}
            </pre>
          )}
        </>
      )}
    </section>
  );
}

function RollbackDialog({ cluster, namespace, name, revision, onClose, onStarted }: {
  cluster: string; namespace: string; name: string; revision: number | null;
  onClose: () => void; onStarted: (operationId: string) => void;
}) {
  const session = useSession();
  const [diff, setDiff] = useState<Diff | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    setDiff(null);
    setError(null);
    setMessage(revision ? `roll back to revision ${revision}` : '');
    if (revision === null) return;
    let live = true;
    api.rollbackDryRun(cluster, namespace, name, revision)
      .then((d) => live && setDiff(d))
      .catch((e) => {
        session.noteForbidden(e);
        if (live) setError(e);
      });
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [cluster, namespace, name, revision]);
  const confirm = async () => {
    if (revision === null) return;
    setBusy(true);
    setError(null);
    try {
      const started = await api.rollback(cluster, namespace, name, revision, message);
      onStarted(started.operation.id);
    } catch (e) {
      session.noteForbidden(e);
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open={revision !== null} title={`Roll back ${name} to revision ${revision}`} onClose={onClose} wide>
      <p>Rolling back applies revision {revision}’s stored manifests again, as a new revision. This is what would change:</p>
      {!diff && !error && <Loading what="the diff" />}
      <ErrorMessage error={error} title="The rollback cannot go ahead" />
      {diff && <DiffView diff={diff} />}
      <div className="field">
        <label htmlFor="rollback-message">Message</label>
        <input id="rollback-message" type="text" value={message} onChange={(e) => setMessage(e.target.value)} maxLength={500} />
      </div>
      <div className="form-actions">
        <button type="button" className="danger" onClick={() => void confirm()} disabled={!diff || busy}>
          {busy ? 'Starting…' : `Roll back to revision ${revision}`}
        </button>
        <button type="button" className="secondary" onClick={onClose}>Cancel</button>
      </div>
    </Dialog>
  );
}

function SavePresetDialog({ open, onClose, app, cluster, namespace, name, revision }: {
  open: boolean; onClose: () => void; app: string; cluster: string; namespace: string; name: string; revision: number;
}) {
  const session = useSession();
  const [presetName, setPresetName] = useState('');
  const [description, setDescription] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (open) {
      setPresetName(name);
      setDescription(`values of ${cluster}/${namespace}/${name} revision ${revision}`);
      setError(null);
      setSaved(null);
    }
  }, [open, name, cluster, namespace, revision]);
  const valid = /^[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$/i.test(presetName);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!valid) return;
    setBusy(true);
    setError(null);
    try {
      const detail = await api.revision(cluster, namespace, name, revision);
      // Stored secrets read "********" and would mean nothing in a new preset: leave them out.
      const preset = await api.savePreset(app, presetName, withoutMaskedSecrets(detail.values), description);
      setSaved(preset.name);
    } catch (err) {
      session.noteForbidden(err);
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open={open} title="Save the current values as a preset" onClose={onClose}>
      {saved ? (
        <>
          <p className="alert success" role="status">Saved the preset <strong>{saved}</strong> for {app}. It is offered in the deploy form.</p>
          <div className="form-actions"><button type="button" onClick={onClose}>Done</button></div>
        </>
      ) : (
        <form onSubmit={(e) => void submit(e)} noValidate>
          <p>Revision {revision}’s values become a preset of {app} that later deploys can start from. Secrets stay stored, not shown.</p>
          <div className={`field${presetName && !valid ? ' has-error' : ''}`}>
            <label htmlFor="preset-name">Preset name</label>
            <input id="preset-name" type="text" value={presetName} onChange={(e) => setPresetName(e.target.value.trim())}
              aria-describedby="preset-name-help" aria-invalid={!valid} required />
            <p className="help" id="preset-name-help">Letters, digits, “-”, “_” and “.”; a bundled preset’s name is refused.</p>
          </div>
          <div className="field">
            <label htmlFor="preset-description">Description</label>
            <input id="preset-description" type="text" value={description} onChange={(e) => setDescription(e.target.value)} maxLength={300} />
          </div>
          <ErrorMessage error={error} title="The preset was not saved" />
          <div className="form-actions">
            <button type="submit" disabled={!valid || busy}>{busy ? 'Saving…' : 'Save preset'}</button>
            <button type="button" className="secondary" onClick={onClose}>Cancel</button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
