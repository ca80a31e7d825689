// Who is signed in and what their role allows. The token lives in
// sessionStorage (gone when the tab closes). The role comes from
// GET /api/v1/whoami; a console without that route (404) is asked instead:
// GET /tokens answers 200 to admins only, and an empty PUT of a preset is
// refused with 403 before anything is read when the role is below deployer.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ApiError, api, getToken, onUnauthorized, request, setToken } from './api/client';
import type { AppSummary, Role } from './api/types';

export interface Identity {
  user: string | null; // null when the console has no /whoami
  role: Role;
  scopes: string[] | null;
  source: 'whoami' | 'probe';
}

export async function identify(token: string): Promise<Identity> {
  try {
    const me = await api.whoami(token);
    return { user: me.user, role: me.role, scopes: me.scopes ?? [], source: 'whoami' };
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 404) throw error;
  }
  // No /whoami: ask what the token may do.
  try {
    await api.tokens(token);
    return { user: null, role: 'admin', scopes: null, source: 'probe' };
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 403) throw error;
  }
  let role: Role = 'deployer';
  try {
    const apps = await request<AppSummary[]>('GET', '/apps', undefined, { token });
    // The role check comes before the body is read: a viewer gets 403, a
    // deployer 404/422 for this empty body; nothing is saved either way.
    if (apps.length > 0)
      await request('PUT', `/apps/${encodeURIComponent(apps[0].name)}/presets/-role-probe-`, {}, { token });
  } catch (error) {
    if (error instanceof ApiError && error.status === 403) role = 'viewer';
    else if (error instanceof ApiError && error.status === 401) throw error;
  }
  return { user: null, role, scopes: null, source: 'probe' };
}

interface SessionValue {
  token: string | null;
  identity: Identity | null;
  canDeploy: boolean;
  isAdmin: boolean;
  signIn: (token: string) => Promise<void>;
  signOut: () => void;
  // A 403 naming the role: the buttons it needs go away.
  noteForbidden: (error: unknown) => void;
}

const SessionContext = createContext<SessionValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [token, setTokenState] = useState<string | null>(() => getToken());
  const [identity, setIdentity] = useState<Identity | null>(null);
  const [checking, setChecking] = useState<boolean>(() => !!getToken());
  const [problem, setProblem] = useState<string | null>(null);

  const signOut = useCallback(() => {
    setToken(null);
    setTokenState(null);
    setIdentity(null);
  }, []);

  useEffect(() => onUnauthorized(signOut), [signOut]);

  // A token from an earlier page load: find out its role again.
  useEffect(() => {
    const saved = getToken();
    if (!saved || identity) {
      setChecking(false);
      return;
    }
    let live = true;
    identify(saved)
      .then((who) => live && setIdentity(who))
      .catch((error) => {
        if (!live) return;
        if (error instanceof ApiError && error.status === 401) signOut();
        else setProblem(error instanceof Error ? error.message : String(error));
      })
      .finally(() => live && setChecking(false));
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [token]);

  const signIn = useCallback(async (candidate: string) => {
    const trimmed = candidate.trim();
    const who = await identify(trimmed);
    setToken(trimmed);
    setTokenState(trimmed);
    setIdentity(who);
    setProblem(null);
  }, []);

  const noteForbidden = useCallback((error: unknown) => {
    if (!(error instanceof ApiError) || error.status !== 403) return;
    const m = /has role (viewer|deployer|admin)/.exec(error.message);
    if (m) setIdentity((who) => (who ? { ...who, role: m[1] as Role } : who));
  }, []);

  const value = useMemo<SessionValue>(() => ({
    token,
    identity,
    canDeploy: !!identity && identity.role !== 'viewer',
    isAdmin: identity?.role === 'admin',
    signIn,
    signOut,
    noteForbidden,
  }), [token, identity, signIn, signOut, noteForbidden]);

  if (token && checking) {
    return <div className="boot" role="status">Checking your token…</div>;
  }
  if (token && !identity && problem) {
    return (
      <div className="boot" role="alert">
        <p>Could not check your token: {problem}</p>
        <button type="button" onClick={() => location.reload()}>Try again</button>{' '}
        <button type="button" onClick={signOut}>Sign out</button>
      </div>
    );
  }
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}
