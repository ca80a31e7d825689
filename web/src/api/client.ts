// The console's REST API over fetch(): every request carries the session's
// bearer token; every failure becomes an ApiError with a readable message and
// the server's details (JSON pointers) when it gave some.
import type {
  App, AppSummary, AuditEntry, Cluster, DeployRequest, Diff, JsonObject, Operation, Page, Preset,
  ReleaseSummary, Revision, RevisionDetail, Started, Whoami, ErrorDetail,
} from './types';

const TOKEN_KEY = 'pier.token';
export const API = '/api/v1';

export function getToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function setToken(token: string | null): void {
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // Storage refused (private mode): the token lives as long as the page.
  }
}

export class ApiError extends Error {
  readonly status: number;
  readonly details: ErrorDetail[];
  constructor(status: number, message: string, details: ErrorDetail[] = []) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.details = details;
  }
}

// Listeners told when the server refuses the token (401): the app logs out.
type UnauthorizedListener = () => void;
const unauthorizedListeners = new Set<UnauthorizedListener>();
export function onUnauthorized(listener: UnauthorizedListener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

// What a status means when the body says nothing useful.
function statusText(status: number): string {
  switch (status) {
    case 400: return 'the request was malformed';
    case 401: return 'the token is missing, wrong or revoked';
    case 403: return 'your token may not do this';
    case 404: return 'not found';
    case 409: return 'the release is busy with another operation';
    case 422: return 'the values are not valid';
    case 503: return 'the console\'s database is unavailable; try again shortly';
    default: return `the console answered ${status}`;
  }
}

export function authHeaders(token = getToken()): Record<string, string> {
  return token ? { Authorization: `Bearer ${token}` } : {};
}

export async function request<T>(method: string, path: string, body?: unknown, init?: { signal?: AbortSignal; token?: string }): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...authHeaders(init?.token ?? getToken()) };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(API + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: init?.signal,
      cache: 'no-store',
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, 'Cannot reach the console: check your connection and try again.');
  }
  const text = await response.text().catch(() => '');
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  if (!response.ok) {
    const record = (parsed && typeof parsed === 'object' ? parsed : {}) as { error?: unknown; details?: unknown };
    const message = typeof record.error === 'string' && record.error ? record.error : statusText(response.status);
    const details = Array.isArray(record.details)
      ? record.details
          .filter((d): d is ErrorDetail => !!d && typeof d === 'object')
          .map((d) => ({ location: String(d.location ?? ''), message: String(d.message ?? '') }))
      : [];
    if (response.status === 401 && !init?.token) unauthorizedListeners.forEach((l) => l());
    throw new ApiError(response.status, message, details);
  }
  if (response.status === 204 || !text) return undefined as T;
  if (parsed === undefined) throw new ApiError(response.status, 'The console sent an answer that is not JSON.');
  return parsed as T;
}

const enc = encodeURIComponent;
const releasePath = (cluster: string, namespace: string, name: string) => `/releases/${enc(cluster)}/${enc(namespace)}/${enc(name)}`;

export interface ReleaseFilter {
  cluster?: string;
  namespace?: string;
  app?: string;
  status?: string;
  q?: string;
  limit?: number;
  after?: string;
}

function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

export const api = {
  whoami: (token?: string) => request<Whoami>('GET', '/whoami', undefined, { token }),
  tokens: (token?: string) => request<unknown[]>('GET', '/tokens', undefined, { token }),
  apps: () => request<AppSummary[]>('GET', '/apps'),
  app: (app: string) => request<App>('GET', `/apps/${enc(app)}`),
  // `release` and `namespace` name the release the values are for, so that
  // defaults such as "{{ release.name }}.example.com" resolve for it; the
  // values may be incomplete (`validate: false`): the form checks them itself.
  defaults: (app: string, preset: string | undefined, values: JsonObject,
    release: { release: string; namespace: string }, signal?: AbortSignal) =>
    request<JsonObject>('POST', `/apps/${enc(app)}/defaults`, { preset, values, ...release, validate: false }, { signal }),
  presets: (app: string) => request<Preset[]>('GET', `/apps/${enc(app)}/presets`),
  savePreset: (app: string, name: string, values: JsonObject, description: string) =>
    request<Preset>('PUT', `/apps/${enc(app)}/presets/${enc(name)}`, { values, description, team: '' }),
  clusters: () => request<Cluster[]>('GET', '/clusters'),
  releases: (filter: ReleaseFilter) =>
    request<Page<ReleaseSummary>>('GET', `/releases${query({ ...filter })}`),
  release: (c: string, n: string, name: string) => request<ReleaseSummary>('GET', releasePath(c, n, name)),
  revisions: (c: string, n: string, name: string) => request<Revision[]>('GET', `${releasePath(c, n, name)}/revisions`),
  revision: (c: string, n: string, name: string, revision: number) =>
    request<RevisionDetail>('GET', `${releasePath(c, n, name)}/revisions/${revision}`),
  diff: (c: string, n: string, name: string, from: number, to: number) =>
    request<Diff>('GET', `${releasePath(c, n, name)}/diff${query({ from, to })}`),
  dryRun: (c: string, n: string, name: string, body: DeployRequest) =>
    request<Diff>('POST', `${releasePath(c, n, name)}/deploy`, { ...body, dry_run: true }),
  deploy: (c: string, n: string, name: string, body: DeployRequest) =>
    request<Started>('POST', `${releasePath(c, n, name)}/deploy`, { ...body, dry_run: false }),
  rollbackDryRun: (c: string, n: string, name: string, revision: number) =>
    request<Diff>('POST', `${releasePath(c, n, name)}/rollback`, { revision, dry_run: true }),
  rollback: (c: string, n: string, name: string, revision: number, message: string) =>
    request<Started>('POST', `${releasePath(c, n, name)}/rollback`, { revision, message, dry_run: false }),
  operation: (id: string) => request<Operation>('GET', `/operations/${enc(id)}`),
  audit: (filter: { user?: string; action?: string; target?: string; limit?: number; after?: string }) =>
    request<Page<AuditEntry>>('GET', `/audit${query(filter)}`),
};

export function releaseUrl(r: { cluster: string; namespace: string; name: string }): string {
  return `/releases/${enc(r.cluster)}/${enc(r.namespace)}/${enc(r.name)}`;
}

// A readable one-line description of any failure.
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
