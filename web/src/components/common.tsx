// Small shared pieces: error messages, loading states, status badges, times.
import { Component, useEffect, useState, type ErrorInfo, type ReactNode } from 'react';
import { ApiError } from '../api/client';

export function ErrorMessage({ error, title, onRetry }: { error: unknown; title?: string; onRetry?: () => void }) {
  if (!error) return null;
  const api = error instanceof ApiError ? error : null;
  const message = error instanceof Error ? error.message : String(error);
  let hint = '';
  if (api?.status === 403) hint = 'Your token’s role or scopes do not allow this.';
  else if (api?.status === 409) hint = 'Wait for the running operation to finish, then try again.';
  return (
    <div className="alert error" role="alert">
      {title && <strong className="alert-title">{title}</strong>}
      <p className="alert-message">{capitalize(message)}</p>
      {api && api.details.length > 0 && (
        <ul className="details">
          {api.details.map((d, i) => (
            <li key={i}>{d.location && <code>{d.location}</code>} {d.message}</li>
          ))}
        </ul>
      )}
      {hint && <p className="hint">{hint}</p>}
      {onRetry && <button type="button" className="secondary small" onClick={onRetry}>Try again</button>}
    </div>
  );
}

export function capitalize(text: string): string {
  return text ? text[0].toUpperCase() + text.slice(1) : text;
}

export function Loading({ what }: { what: string }) {
  return <p className="loading" role="status">Loading {what}…</p>;
}

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge status-${status}`}>{status}</span>;
}

export function Time({ at }: { at: string | null | undefined }) {
  if (!at) return <span className="muted">—</span>;
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return <span>{at}</span>;
  return <time dateTime={at} title={at}>{formatTime(date)}</time>;
}

export function formatTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

// Loads something once its inputs change; keeps the last error for display.
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): {
  data: T | undefined; error: unknown; loading: boolean; reload: () => void; setData: (value: T) => void;
} {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setLoading(true);
    setError(null);
    load()
      .then((value) => live && setData(value))
      .catch((e) => live && setError(e))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  return { data, error, loading, reload: () => setTick((t) => t + 1), setData };
}

// Whatever throws while rendering becomes a message, never a blank page.
export class ErrorBoundary extends Component<{ children: ReactNode; resetKey?: string }, { error: Error | null }> {
  state = { error: null as Error | null };
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  componentDidCatch(error: Error, info: ErrorInfo) {
    console.error('pier web: render error', error, info.componentStack);
  }
  componentDidUpdate(prev: { resetKey?: string }) {
    if (prev.resetKey !== this.props.resetKey && this.state.error) this.setState({ error: null });
  }
  render() {
    if (this.state.error) {
      return (
        <div className="alert error" role="alert">
          <strong className="alert-title">This page failed to show</strong>
          <p className="alert-message">{this.state.error.message}</p>
          <button type="button" className="secondary small" onClick={() => this.setState({ error: null })}>Try again</button>
        </div>
      );
    }
    return this.props.children;
  }
}
