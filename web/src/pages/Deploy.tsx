// Deploy: choose an app, then where (cluster by data center, namespace,
// release name), then a preset and the values, then review the server's diff
// against what is live, then deploy and follow it on the release page.
import { useEffect, useMemo, useRef, useState, type FormEvent, type RefObject } from 'react';
import { ApiError, api, releaseUrl } from '../api/client';
import type { App, AppSummary, Cluster, Diff, JsonObject, Preset, ReleaseSummary } from '../api/types';
import { DiffView } from '../components/DiffView';
import { ErrorMessage, Loading, StatusBadge, useLoad } from '../components/common';
import { ValuesForm } from '../form/ValuesForm';
import { Link, navigate, useLocation } from '../router';
import { useSession } from '../session';
import { SECRET_MASK, isObject } from '../lib/values';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

type Step = 'app' | 'target' | 'values' | 'review';
const STEPS: { id: Step; label: string }[] = [
  { id: 'app', label: 'App' },
  { id: 'target', label: 'Where' },
  { id: 'values', label: 'Values' },
  { id: 'review', label: 'Review' },
];

function Stepper({ step, onGo, reachable }: { step: Step; onGo: (s: Step) => void; reachable: (s: Step) => boolean }) {
  const index = STEPS.findIndex((s) => s.id === step);
  return (
    <nav aria-label="Deploy steps">
      <ol className="stepper">
        {STEPS.map((s, i) => (
          <li key={s.id} className={i < index ? 'done' : i === index ? 'current' : ''}>
            {i < index && reachable(s.id) ? (
              <button type="button" className="link" onClick={() => onGo(s.id)}>
                <span className="step-number">{i + 1}</span> {s.label}
              </button>
            ) : (
              <span aria-current={i === index ? 'step' : undefined}>
                <span className="step-number">{i + 1}</span> {s.label}
              </span>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}

// Keeps only the stored secrets ("********" means: keep what is stored).
function secretsOnly(values: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(values)) {
    if (v === SECRET_MASK) out[k] = v;
    else if (isObject(v)) {
      const inner = secretsOnly(v);
      if (Object.keys(inner).length > 0) out[k] = inner;
    }
  }
  return out;
}

export function DeployPage() {
  const { search } = useLocation();
  const session = useSession();
  const [appName, setAppName] = useState(search.get('app') ?? '');
  const [cluster, setCluster] = useState(search.get('cluster') ?? '');
  const [namespace, setNamespace] = useState(search.get('namespace') ?? '');
  const [name, setName] = useState(search.get('name') ?? '');
  const [step, setStep] = useState<Step>(search.get('app') ? (search.get('cluster') && search.get('name') ? 'values' : 'target') : 'app');
  const [existing, setExisting] = useState<ReleaseSummary | null>(null);
  const [preset, setPreset] = useState<string | undefined>(undefined);
  const [userValues, setUserValues] = useState<JsonObject>({});
  const [resetKey, setResetKey] = useState(0);
  const [valuesReady, setValuesReady] = useState(false);
  const [valuesError, setValuesError] = useState<unknown>(null);
  const [message, setMessage] = useState('');
  const [autoRollback, setAutoRollback] = useState(false);
  const [review, setReview] = useState<{ diff: Diff; values: JsonObject } | null>(null);
  const [deploying, setDeploying] = useState(false);
  const [deployError, setDeployError] = useState<unknown>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);

  const apps = useLoad(() => api.apps(), []);
  const app = useLoad<App | null>(() => (appName ? api.app(appName) : Promise.resolve(null)), [appName]);
  const presets = useLoad<Preset[]>(() => (appName ? api.presets(appName) : Promise.resolve([])), [appName]);

  // Focus the step's heading when the step changes (keyboard and screen readers follow).
  useEffect(() => {
    headingRef.current?.focus();
  }, [step]);

  // Coming from a release page (?upgrade): load where it is and its values.
  useEffect(() => {
    if (step === 'values' && !valuesReady && appName && cluster && namespace && name) void loadExisting();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  async function loadExisting() {
    setValuesError(null);
    try {
      const release = await api.release(cluster, namespace, name);
      setExisting(release);
      const detail = await api.revision(cluster, namespace, name, release.revision);
      if (detail.app !== appName) {
        setValuesError(new Error(`${name} in ${cluster}/${namespace} is a ${detail.app} release, not ${appName}`));
        return;
      }
      setUserValues(detail.values ?? {});
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) {
        setValuesError(error);
        return;
      }
      // A new release: what was typed for it so far stays (back and forth
      // between the steps), unless it came from another release's values.
      if (existing !== null) setUserValues({});
      setExisting(null);
    }
    setResetKey((k) => k + 1);
    setValuesReady(true);
  }

  const presetNames = useMemo(() => {
    const list = presets.data ?? [];
    return list;
  }, [presets.data]);

  useEffect(() => {
    if (preset === undefined && presets.data && presets.data.some((p) => p.name === 'default')) setPreset('default');
  }, [presets.data, preset]);

  if (!session.canDeploy) {
    return (
      <div className="page">
        <h1>Deploy</h1>
        <p className="alert info">Your token’s role ({session.identity?.role}) may read releases but not deploy. Ask an admin for a deployer token.</p>
      </div>
    );
  }

  const chooseApp = (a: AppSummary) => {
    setAppName(a.name);
    setPreset(undefined);
    setUserValues({});
    setValuesReady(false);
    setReview(null);
    setStep('target');
  };

  const goToValues = async () => {
    setStep('values');
    setValuesReady(false);
    setReview(null);
    await loadExisting();
  };

  const runReview = async (values: JsonObject) => {
    const diff = await api.dryRun(cluster, namespace, name, { app: appName, preset, values, message });
    setReview({ diff, values });
    setDeployError(null);
    setStep('review');
  };

  const deploy = async () => {
    if (!review) return;
    setDeploying(true);
    setDeployError(null);
    try {
      const started = await api.deploy(cluster, namespace, name, {
        app: appName, preset, values: review.values, message, auto_rollback: autoRollback,
      });
      navigate(`${releaseUrl(started.revision)}?operation=${encodeURIComponent(started.operation.id)}`);
    } catch (error) {
      session.noteForbidden(error);
      setDeployError(error);
    } finally {
      setDeploying(false);
    }
  };

  const resetToPreset = () => {
    setUserValues(secretsOnly(userValues));
    setResetKey((k) => k + 1);
  };

  const reachable = (s: Step) => (s === 'app' ? true : s === 'target' ? !!appName : s === 'values' ? valuesReady : !!review);
  const title = existing ? `Upgrade ${name}` : 'Deploy an app';

  return (
    <div className="page deploy">
      <h1>{title}</h1>
      <Stepper step={step} onGo={setStep} reachable={reachable} />

      {step === 'app' && (
        <section aria-labelledby="step-title">
          <h2 id="step-title" ref={headingRef} tabIndex={-1}>Choose an app</h2>
          {apps.loading && <Loading what="the catalog" />}
          <ErrorMessage error={apps.error} title="Could not load the catalog" onRetry={apps.reload} />
          <ul className="app-cards">
            {(apps.data ?? []).map((a) => (
              <li key={a.name} className={`card app-card${a.name === appName ? ' selected' : ''}`}>
                <h3>{a.name} <span className="muted">{a.version}</span></h3>
                <p>{a.description}</p>
                <button type="button" onClick={() => chooseApp(a)} aria-label={`Choose ${a.name}`}>Choose</button>
              </li>
            ))}
          </ul>
        </section>
      )}

      {step === 'target' && (
        <TargetStep
          headingRef={headingRef}
          appName={appName}
          cluster={cluster}
          namespace={namespace}
          name={name}
          onChange={(c, n, r) => {
            setCluster(c);
            setNamespace(n);
            setName(r);
          }}
          onNext={() => void goToValues()}
          onBack={() => setStep('app')}
        />
      )}

      {step === 'values' && (
        <section aria-labelledby="step-title">
          <h2 id="step-title" ref={headingRef} tabIndex={-1}>
            Values for <code>{name}</code> in {cluster}/{namespace}
          </h2>
          {existing && (
            <p className="alert info">
              <strong>{name}</strong> exists (revision {existing.revision}, <StatusBadge status={existing.status} />): the form starts from its
              current values and deploying upgrades it. <Link to={releaseUrl(existing)}>Open the release</Link>
            </p>
          )}
          <ErrorMessage error={app.error} title="Could not load the app" onRetry={app.reload} />
          <ErrorMessage error={valuesError} title="Could not load the release's values" onRetry={() => void loadExisting()} />
          {(app.loading || !valuesReady) && !valuesError && <Loading what="the form" />}
          {app.data && valuesReady && (
            <>
              <div className="deploy-options card">
                <div className="field">
                  <label htmlFor="preset">Preset</label>
                  <select id="preset" value={preset ?? ''} onChange={(e) => setPreset(e.target.value || undefined)}
                    aria-describedby="preset-help">
                    {!presetNames.some((p) => p.name === 'default') && <option value="">(none)</option>}
                    {presetNames.map((p) => (
                      <option key={`${p.team}/${p.name}`} value={p.name}>
                        {p.name}{p.bundled ? '' : ` (saved${p.team ? `, ${p.team}` : ''})`}{p.description ? ` — ${p.description}` : ''}
                      </option>
                    ))}
                  </select>
                  <p className="help" id="preset-help">
                    A saved common configuration; the form’s defaults come from it. Your own changes are kept when you switch.
                  </p>
                </div>
                {existing && (
                  <div className="field">
                    <button type="button" className="secondary" onClick={resetToPreset}>Start from the preset instead</button>
                    <p className="help">Drops the current values (stored secrets are kept) and fills the form from the preset.</p>
                  </div>
                )}
                <div className="field">
                  <label htmlFor="message">Change message</label>
                  <input id="message" type="text" value={message} onChange={(e) => setMessage(e.target.value)}
                    placeholder="What this deploy changes and why" maxLength={500} aria-describedby="message-help" />
                  <p className="help" id="message-help">Shown in the release history.</p>
                </div>
                <div className="field field-boolean">
                  <label className="switch" htmlFor="auto-rollback">
                    <input id="auto-rollback" type="checkbox" role="switch" checked={autoRollback}
                      onChange={(e) => setAutoRollback(e.target.checked)} aria-describedby="auto-rollback-help" />
                    <span className="switch-track" aria-hidden="true"><span className="switch-thumb" /></span>
                    <span className="switch-label">Roll back automatically on failure</span>
                  </label>
                  <p className="help" id="auto-rollback-help">If the rollout fails, deploy the last deployed revision again.</p>
                </div>
              </div>
              <p className="app-description">{app.data.description}</p>
              <ValuesForm
                app={app.data}
                preset={preset}
                releaseName={name}
                namespace={namespace}
                userValues={userValues}
                onUserValuesChange={setUserValues}
                resetKey={resetKey}
                onReview={runReview}
                extraActions={<button type="button" className="secondary" onClick={() => setStep('target')}>Back</button>}
              />
            </>
          )}
        </section>
      )}

      {step === 'review' && review && (
        <section aria-labelledby="step-title">
          <h2 id="step-title" ref={headingRef} tabIndex={-1}>Review: {name} in {cluster}/{namespace}</h2>
          <p>
            What deploying changes, compared with what is live now. Nothing has changed yet.
            {message && <> Message: <q>{message}</q>.</>}
          </p>
          <DiffView diff={review.diff} valuesTitle={existing ? `Values (against revision ${existing.revision})` : 'Values'} />
          <ErrorMessage error={deployError} title="The deploy did not start" />
          <div className="form-actions final">
            <button type="button" onClick={() => void deploy()} disabled={deploying}>
              {deploying ? 'Starting…' : existing ? `Deploy revision ${existing.revision + 1}` : 'Deploy'}
            </button>
            <button type="button" className="secondary" onClick={() => setStep('values')} disabled={deploying}>Back to the values</button>
          </div>
        </section>
      )}
    </div>
  );
}

function TargetStep(props: {
  headingRef: RefObject<HTMLHeadingElement | null>;
  appName: string;
  cluster: string;
  namespace: string;
  name: string;
  onChange: (cluster: string, namespace: string, name: string) => void;
  onNext: () => void;
  onBack: () => void;
}) {
  const { cluster, namespace, name, onChange } = props;
  const clusters = useLoad<Cluster[]>(() => api.clusters(), []);
  const [touched, setTouched] = useState(false);
  const groups = useMemo(() => {
    const byDc = new Map<string, Cluster[]>();
    for (const c of clusters.data ?? []) {
      const key = c.datacenter || '';
      byDc.set(key, [...(byDc.get(key) ?? []), c]);
    }
    return [...byDc.entries()].sort(([a], [b]) => (a === '' ? 1 : b === '' ? -1 : a.localeCompare(b)));
  }, [clusters.data]);

  useEffect(() => {
    if (!cluster && clusters.data && clusters.data.length > 0) {
      const first = clusters.data.find((c) => c.reachable) ?? clusters.data[0];
      onChange(first.name, namespace, name);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [clusters.data]);

  const nsError = !namespace ? 'Give a namespace.' : namespace.length > 63 || !DNS_LABEL.test(namespace)
    ? 'Lower case letters, digits and “-”, starting and ending with a letter or digit, at most 63.' : '';
  const nameError = !name ? 'Give the release a name.' : name.length > 53 || !DNS_LABEL.test(name)
    ? 'Lower case letters, digits and “-”, starting and ending with a letter or digit, at most 53.' : '';
  const clusterError = !cluster ? 'Choose a cluster.' : '';
  const selected = (clusters.data ?? []).find((c) => c.name === cluster);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (nsError || nameError || clusterError) {
      const first = clusterError ? 'cluster' : nsError ? 'namespace' : 'release-name';
      document.getElementById(first)?.focus();
      return;
    }
    props.onNext();
  };

  return (
    <section aria-labelledby="step-title">
      <h2 id="step-title" ref={props.headingRef} tabIndex={-1}>Where should {props.appName} run?</h2>
      {clusters.loading && <Loading what="the clusters" />}
      <ErrorMessage error={clusters.error} title="Could not load the clusters" onRetry={clusters.reload} />
      <form onSubmit={submit} noValidate className="card target-form">
        <div className={`field${touched && clusterError ? ' has-error' : ''}`}>
          <label htmlFor="cluster">Cluster</label>
          <select id="cluster" value={cluster} onChange={(e) => onChange(e.target.value, namespace, name)}
            aria-describedby="cluster-help cluster-error" aria-invalid={touched && !!clusterError}>
            {!cluster && <option value="">Choose a cluster</option>}
            {groups.map(([dc, list]) => (
              <optgroup key={dc || '-'} label={dc ? `Data center ${dc}` : 'No data center'}>
                {list.map((c) => (
                  <option key={c.name} value={c.name}>
                    {c.name} ({c.kind}{c.reachable ? '' : ', unreachable'}{c.version ? `, ${c.version}` : ''})
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
          <p className="help" id="cluster-help">
            {selected
              ? selected.kind === 'gitops'
                ? `A gitops target: the objects are written to ${selected.server}.`
                : `Kubernetes at ${selected.server}${selected.reachable ? '' : ` — unreachable: ${selected.error ?? 'no answer'}`}.`
              : 'Clusters are grouped by data center.'}
          </p>
          {touched && clusterError && <ul className="field-errors" id="cluster-error"><li>{clusterError}</li></ul>}
        </div>
        <div className={`field${touched && nsError ? ' has-error' : ''}`}>
          <label htmlFor="namespace">Namespace</label>
          <input id="namespace" type="text" value={namespace} autoComplete="off" spellCheck={false}
            onChange={(e) => onChange(cluster, e.target.value.trim(), name)} placeholder="shop"
            aria-invalid={touched && !!nsError} aria-describedby="namespace-help namespace-error" />
          <p className="help" id="namespace-help">The Kubernetes namespace of the release’s objects.</p>
          {touched && nsError && <ul className="field-errors" id="namespace-error"><li>{nsError}</li></ul>}
        </div>
        <div className={`field${touched && nameError ? ' has-error' : ''}`}>
          <label htmlFor="release-name">Release name</label>
          <input id="release-name" type="text" value={name} autoComplete="off" spellCheck={false}
            onChange={(e) => onChange(cluster, namespace, e.target.value.trim())} placeholder="web"
            aria-invalid={touched && !!nameError} aria-describedby="name-help name-error" />
          <p className="help" id="name-help">Names the objects (Deployment, Service, …). An existing release of this name is upgraded.</p>
          {touched && nameError && <ul className="field-errors" id="name-error"><li>{nameError}</li></ul>}
        </div>
        <div className="form-actions">
          <button type="submit">Next: values</button>
          <button type="button" className="secondary" onClick={props.onBack}>Back</button>
        </div>
      </form>
    </section>
  );
}
