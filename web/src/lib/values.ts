// Values as JSON objects: JSON pointers, deep copies, which leaves changed,
// and the server's error details turned into react-jsonschema-form's ErrorSchema.
import type { ErrorSchema } from '@rjsf/utils';
import type { ErrorDetail, JsonObject } from '../api/types';

export const SECRET_MASK = '********';

export function isObject(value: unknown): value is JsonObject {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

export function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

export function parsePointer(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return [];
  if (!pointer.startsWith('/')) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function toPointer(path: string[]): string {
  return path.map((p) => '/' + p.replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

export function getAt(value: unknown, path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (Array.isArray(current)) current = current[Number(key)];
    else if (isObject(current)) current = current[key];
    else return undefined;
  }
  return current;
}

// Sets (or, with undefined, removes) the value at path, creating objects on the way.
export function setAt(target: JsonObject, path: string[], value: unknown): void {
  if (path.length === 0) return;
  let current: JsonObject = target;
  for (const key of path.slice(0, -1)) {
    if (!isObject(current[key])) current[key] = {};
    current = current[key] as JsonObject;
  }
  const last = path[path.length - 1];
  if (value === undefined) delete current[last];
  else current[last] = value;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

// The paths where `after` differs from `before`. Arrays and free-form maps
// (objects the schema gives no properties) are compared whole: they are one value.
export function changedPaths(before: unknown, after: unknown, isLeaf: (path: string[]) => boolean, path: string[] = []): string[][] {
  if (deepEqual(before, after)) return [];
  if (path.length > 0 && isLeaf(path)) return [path];
  if (isObject(before) || isObject(after)) {
    const a = isObject(before) ? before : {};
    const b = isObject(after) ? after : {};
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    const out: string[][] = [];
    for (const key of keys) out.push(...changedPaths(a[key], b[key], isLeaf, [...path, key]));
    return out;
  }
  return [path];
}

// The server's 422 details: the ones at a JSON pointer of the values become an
// ErrorSchema for the form; the others are returned as they are.
export function detailsToErrorSchema(details: ErrorDetail[], knows: (path: string[]) => boolean): {
  errorSchema: ErrorSchema;
  unplaced: ErrorDetail[];
} {
  const errorSchema: ErrorSchema = {};
  const unplaced: ErrorDetail[] = [];
  for (const detail of details) {
    let location = detail.location;
    if (location.startsWith('/values/')) location = location.slice('/values'.length);
    const path = location.startsWith('/') ? parsePointer(location) : null;
    if (!path || path.length === 0 || !knows(path)) {
      unplaced.push(detail);
      continue;
    }
    let node = errorSchema as Record<string, unknown>;
    for (const key of path) {
      if (!isObject(node[key])) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    const list = (node.__errors as string[] | undefined) ?? [];
    list.push(detail.message);
    node.__errors = list;
  }
  return { errorSchema, unplaced };
}

// Removes the errors at the given paths from an ErrorSchema (the user edited them).
export function withoutErrorsAt(errorSchema: ErrorSchema, paths: string[][]): ErrorSchema {
  const copy = clone(errorSchema) as Record<string, unknown>;
  for (const path of paths) {
    let node: Record<string, unknown> | undefined = copy;
    for (const key of path) {
      node = isObject(node?.[key]) ? (node![key] as Record<string, unknown>) : undefined;
      if (!node) break;
    }
    if (node) delete node.__errors;
  }
  return copy as ErrorSchema;
}

export function hasErrors(errorSchema: unknown): boolean {
  if (!isObject(errorSchema)) return false;
  for (const [key, value] of Object.entries(errorSchema)) {
    if (key === '__errors' && Array.isArray(value) && value.length > 0) return true;
    if (key !== '__errors' && hasErrors(value)) return true;
  }
  return false;
}
