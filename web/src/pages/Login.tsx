// Sign in by pasting an API token. It is kept in this tab's sessionStorage
// and sent as `Authorization: Bearer` with every request.
import { useState, type FormEvent } from 'react';
import { ApiError } from '../api/client';
import { useSession } from '../session';

export function LoginPage() {
  const session = useSession();
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!token.trim()) {
      setError('Paste your token first.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await session.signIn(token);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) setError('The console does not accept this token: it is wrong, revoked or expired.');
      else setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="login" id="main">
      <form className="card login-card" onSubmit={(e) => void submit(e)} noValidate>
        <h1><span className="brand-mark" aria-hidden="true">⚓</span> Pier console</h1>
        <p>Sign in with an API token. An admin creates tokens; the first admin token is in the console’s
          data directory (<code>admin.token</code>).</p>
        <div className={`field${error ? ' has-error' : ''}`}>
          <label htmlFor="token">API token</label>
          <input id="token" type="password" autoComplete="off" spellCheck={false} value={token}
            onChange={(e) => setToken(e.target.value)} placeholder="pier_…" aria-describedby="token-help token-error"
            aria-invalid={!!error} autoFocus />
          <p className="help" id="token-help">Kept in this browser tab only, until you sign out or close it.</p>
          {error && <ul className="field-errors" id="token-error" role="alert"><li>{error}</li></ul>}
        </div>
        <div className="form-actions">
          <button type="submit" disabled={busy}>{busy ? 'Checking…' : 'Sign in'}</button>
        </div>
      </form>
    </main>
  );
}
