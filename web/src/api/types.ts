// The console's API objects (docs/api/openapi.yaml), as the UI reads them.

export type Role = 'viewer' | 'deployer' | 'admin';
export type RevisionStatus = 'pending' | 'deployed' | 'failed' | 'superseded' | 'interrupted';
export type OperationStatus = 'running' | 'succeeded' | 'failed' | 'interrupted';
export type JsonObject = { [key: string]: unknown };

export interface ErrorDetail {
  location: string;
  message: string;
}

export interface AppSummary {
  name: string;
  version: string;
  description: string;
  keywords?: string[];
}

export interface App extends AppSummary {
  schema: JsonObject;
  ui: JsonObject;
  presets: string[];
}

export interface Preset {
  name: string;
  team: string;
  description: string;
  values: JsonObject;
  bundled: boolean;
  updated_by?: string;
  updated_at?: string;
}

export interface Cluster {
  name: string;
  datacenter: string;
  kind: 'kubernetes' | 'gitops';
  server: string;
  reachable: boolean;
  version?: string;
  error?: string;
}

export interface Revision {
  cluster: string;
  namespace: string;
  name: string;
  revision: number;
  app: string;
  app_version: string;
  status: RevisionStatus;
  user: string;
  created_at: string;
  finished_at: string | null;
  message: string;
  status_detail: string;
  operation: string | null;
}

export interface Operation {
  id: string;
  kind: 'install' | 'upgrade' | 'rollback';
  cluster: string;
  namespace: string;
  name: string;
  user: string;
  holder: string;
  status: OperationStatus;
  started_at: string;
  finished_at: string | null;
  message: string;
  last_event: number;
  events?: OperationEvent[];
}

export interface ReleaseSummary extends Revision {
  deployed_revision: number;
  active_operation: Operation | null;
}

export interface RevisionDetail extends Revision {
  values: JsonObject;
  manifests: string;
}

export interface ObjectChange {
  object: { group: string; kind: string; namespace: string; name: string };
  display: string;
  change: 'added' | 'changed' | 'removed' | 'unchanged';
  diff: string;
  note: string;
}

export interface Diff {
  values: { changed_paths: string[]; diff: string };
  objects: ObjectChange[];
  counts: { added: number; changed: number; removed: number; unchanged: number };
  from?: Revision;
  to?: Revision;
}

export interface Started {
  operation: Operation;
  revision: Revision;
}

// An operation event: the type's own fields sit beside these.
export interface OperationEvent {
  seq: number;
  time: string;
  type: string;
  message: string;
  [field: string]: unknown;
}

export interface Page<T> {
  items: T[];
  next: string | null;
}

export interface AuditEntry {
  id: string;
  time: string;
  user: string;
  action: string;
  target: string;
  details: JsonObject;
}

export interface Whoami {
  user: string;
  role: Role;
  scopes: string[];
}

export interface DeployRequest {
  app: string;
  preset?: string;
  values: JsonObject;
  message?: string;
  dry_run?: boolean;
  wait?: boolean;
  timeout_seconds?: number;
  auto_rollback?: boolean;
}
