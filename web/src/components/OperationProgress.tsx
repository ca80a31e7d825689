// A deploy's or rollback's live progress, from the operation's event stream:
// the steps, "applied 3/6", the rollout lines, pods that cannot come up and
// the end. A dropped stream is resumed where it stopped (Last-Event-ID).
import { useEffect, useRef, useState } from 'react';
import { API, api, authHeaders } from '../api/client';
import type { Operation, OperationEvent } from '../api/types';
import { followStream } from '../api/sse';
import { StatusBadge, Time, capitalize } from './common';

const typeLabel: Record<string, string> = {
  validated: 'Validated',
  rendered: 'Rendered',
  diffed: 'Compared',
  applied: 'Applied',
  removed: 'Removed',
  rollout: 'Rollout',
  pod_problem: 'Pod problem',
  rollback: 'Rollback',
  done: 'Done',
  failed: 'Failed',
  interrupted: 'Interrupted',
};

export function OperationProgress({ id, onEnd }: { id: string; onEnd?: (operation: Operation) => void }) {
  const [events, setEvents] = useState<OperationEvent[]>([]);
  const [operation, setOperation] = useState<Operation | null>(null);
  const [connection, setConnection] = useState<{ state: string; detail?: string }>({ state: 'connecting' });
  const [fatal, setFatal] = useState<string | null>(null);
  const [started, setStarted] = useState<Operation | null>(null);
  const ended = useRef(false);
  const onEndRef = useRef(onEnd);
  onEndRef.current = onEnd;

  useEffect(() => {
    ended.current = false;
    setEvents([]);
    setOperation(null);
    setFatal(null);
    api.operation(id).then(setStarted).catch(() => undefined);
    const seen = new Set<number>();
    const follower = followStream({
      url: `${API}/operations/${encodeURIComponent(id)}/events`,
      headers: () => authHeaders(),
      finished: () => ended.current,
      onState: (state, detail) => setConnection({ state, detail }),
      onFatal: (_status, message) => setFatal(message),
      onMessage: (message) => {
        let data: unknown;
        try {
          data = JSON.parse(message.data);
        } catch {
          return; // not ours
        }
        if (message.event === 'end') {
          ended.current = true;
          const op = data as Operation;
          setOperation(op);
          onEndRef.current?.(op);
          return;
        }
        const event = data as OperationEvent;
        if (typeof event.seq !== 'number' || seen.has(event.seq)) return;
        seen.add(event.seq);
        setEvents((list) => [...list, event]);
      },
    });
    return () => follower.stop();
  }, [id]);

  const applied = [...events].reverse().find((e) => e.type === 'applied');
  const appliedIndex = typeof applied?.index === 'number' ? applied.index : 0;
  const appliedCount = typeof applied?.count === 'number' ? applied.count
    : (events.find((e) => e.type === 'rendered')?.count as number | undefined) ?? 0;
  const rollout = [...events].reverse().find((e) => e.type === 'rollout');
  const problems = events.filter((e) => e.type === 'pod_problem');
  const last = events[events.length - 1];
  const status = operation?.status ?? 'running';
  const info = operation ?? started;
  const steps = (
    <ol className="events" aria-label="Steps">
      {events.map((e) => (
        <li key={e.seq} className={`event type-${e.type}`}>
          <span className="event-type">{typeLabel[e.type] ?? e.type}</span>
          <span className="event-message">{e.message}</span>
          <span className="event-time"><Time at={e.time} /></span>
        </li>
      ))}
    </ol>
  );

  return (
    <section className={`card progress status-${status}`} aria-labelledby={`op-${id}-title`}>
      <h2 id={`op-${id}-title`}>
        {info ? capitalize(info.kind) : 'Operation'} <span className="muted">#{id}</span>{' '}
        <StatusBadge status={status} />
      </h2>
      {info && (
        <p className="muted op-facts">
          by {info.user} · started <Time at={info.started_at} />
          {operation?.finished_at && <> · ended <Time at={operation.finished_at} /></>}
        </p>
      )}
      <p className="live" aria-live="polite" role="status">
        {operation
          ? capitalize(operation.message || status)
          : last
            ? capitalize(last.message)
            : 'Waiting for the first step…'}
      </p>
      {connection.state === 'reconnecting' && !operation && (
        <p className="alert warn" role="status">Connection lost ({connection.detail}); reconnecting and catching up…</p>
      )}
      {fatal && <p className="alert error" role="alert">Cannot follow this operation: {fatal}</p>}
      {appliedCount > 0 && (
        <div className="applied">
          <label htmlFor={`op-${id}-bar`}>Applied {appliedIndex}/{appliedCount}</label>
          <progress id={`op-${id}-bar`} max={appliedCount} value={appliedIndex} />
        </div>
      )}
      {rollout && <p className="rollout-line"><strong>Rollout:</strong> {rollout.message}</p>}
      {problems.length > 0 && (
        <div className="alert error pod-problems" role="alert">
          <strong className="alert-title">Pods that cannot come up</strong>
          <ul>
            {problems.map((p) => (
              <li key={p.seq}>
                <code>{String(p.pod ?? '')}</code>{p.container ? <> container <code>{String(p.container)}</code></> : null}:{' '}
                <strong>{String(p.reason ?? '')}</strong>{p.detail ? ` — ${String(p.detail)}` : ''}
              </li>
            ))}
          </ul>
        </div>
      )}
      {operation ? (
        <details className="steps">
          <summary>All {events.length} steps</summary>
          {steps}
        </details>
      ) : steps}
    </section>
  );
}
