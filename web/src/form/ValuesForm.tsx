// The values form of a catalog app. What the user typed is kept apart from
// what the form shows: the form shows the server's resolution of the preset,
// the user's values and the schema's defaults (POST /apps/{app}/defaults, the
// way a deploy resolves them, `{{...}}` references included), and is resolved
// again shortly after each change, so that a default that follows another
// field (-Xms follows -Xmx) follows it here too. What is sent to the server is
// only what the user set; the rest it resolves itself, for the real release.
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import Form from '@rjsf/core';
import validator from '@rjsf/validator-ajv8';
import type { ErrorSchema, RJSFValidationError } from '@rjsf/utils';
import { ApiError, api } from '../api/client';
import type { App, ErrorDetail, JsonObject } from '../api/types';
import { ErrorMessage, capitalize } from '../components/common';
import {
  SECRET_MASK, changedPaths, clone, detailsToErrorSchema, getAt, isObject, setAt, toPointer, withoutErrorsAt,
} from '../lib/values';
import { formSchema, formUiSchema, isLeafPath, propertyPath, schemaAt, secretMaskFilter } from './schema';
import { templates, widgets } from './templates';

// The user's values laid over the resolved ones (the server hides secrets it
// resolved, and the user's own entries always win).
function overlay(resolved: JsonObject, user: JsonObject, schema: JsonObject): JsonObject {
  const out = clone(resolved);
  const walk = (node: unknown, path: string[]) => {
    if (path.length > 0 && (isLeafPath(schema, path) || !isObject(node))) {
      setAt(out, path, clone(node));
      return;
    }
    if (isObject(node)) for (const [k, v] of Object.entries(node)) walk(v, [...path, k]);
  };
  walk(user, []);
  return out;
}

export interface ValuesFormProps {
  app: App;
  preset: string | undefined;
  releaseName: string;
  namespace: string;
  userValues: JsonObject;
  onUserValuesChange: (values: JsonObject) => void;
  // Bumped when userValues are replaced from outside (a reset, loaded values).
  resetKey: number;
  // Called with the user's values once the form is valid; a thrown ApiError
  // 422 is shown on the fields it names.
  onReview: (userValues: JsonObject) => Promise<void>;
  reviewLabel?: string;
  extraActions?: ReactNode;
  disabled?: boolean;
}

export function ValuesForm(props: ValuesFormProps) {
  const { app, preset, releaseName, namespace, userValues, onUserValuesChange, onReview, disabled } = props;
  const schema = useMemo(() => formSchema(app.schema), [app.schema]);
  const uiSchema = useMemo(() => formUiSchema(app.schema, app.ui ?? {}), [app.schema, app.ui]);
  const [formData, setFormData] = useState<JsonObject | null>(null);
  const formDataRef = useRef<JsonObject | null>(null);
  formDataRef.current = formData;
  const userRef = useRef(userValues);
  userRef.current = userValues;
  // The user's values as last loaded: a "********" there is a stored secret to keep.
  const baseRef = useRef(userValues);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [serverErrors, setServerErrors] = useState<ErrorSchema>({});
  const [unplaced, setUnplaced] = useState<ErrorDetail[]>([]);
  const [serverMessage, setServerMessage] = useState<string | null>(null);
  const [clientErrors, setClientErrors] = useState<RJSFValidationError[]>([]);
  const [resolving, setResolving] = useState(false);
  const [submitting, setSubmitting] = useState(false);
  const sequence = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const abort = useRef<AbortController | null>(null);

  const transformErrors = useMemo(() => secretMaskFilter(app.schema, () => formDataRef.current), [app.schema]);
  const knows = useCallback((path: string[]) => !!schemaAt(app.schema, path), [app.schema]);

  const showServerDetails = useCallback((error: ApiError) => {
    const { errorSchema, unplaced: rest } = detailsToErrorSchema(error.details, knows);
    setServerErrors(errorSchema);
    setUnplaced(rest);
    setServerMessage(error.message);
  }, [knows]);

  const resolve = useCallback(async (values: JsonObject, first: boolean) => {
    const mine = ++sequence.current;
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    setResolving(true);
    try {
      const { resolved, problems } = await resolveLoosely(app, preset, values, { release: releaseName, namespace }, controller.signal);
      if (mine !== sequence.current) return;
      setFormData(overlay(resolved, userRef.current, app.schema));
      setLoadError(null);
      if (problems && !first) {
        // The values break a rule. The form says so already where the
        // schema can tell; what only the server knows is shown on its field.
        const current = overlay(resolved, userRef.current, app.schema);
        const local = validator.validateFormData(current, schema, undefined, transformErrors, uiSchema);
        if (local.errors.length === 0) showServerDetails(problems);
      }
    } catch (error) {
      if (mine !== sequence.current || (error as Error).name === 'AbortError') return;
      if (first && error instanceof ApiError && error.status === 422) {
        // Values that cannot be resolved at all: show them as they are, with what is wrong.
        setFormData(overlay({}, values, app.schema));
        showServerDetails(error);
      } else {
        setLoadError(error);
      }
    } finally {
      if (mine === sequence.current) setResolving(false);
    }
  }, [app, preset, releaseName, namespace, schema, uiSchema, transformErrors, showServerDetails]);

  // A new app, preset or starting point: resolve from scratch.
  useEffect(() => {
    setServerErrors({});
    setUnplaced([]);
    setServerMessage(null);
    baseRef.current = userRef.current;
    void resolve(userRef.current, formDataRef.current === null);
    return () => {
      if (timer.current) clearTimeout(timer.current);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [app.name, preset, props.resetKey]);

  useEffect(() => () => abort.current?.abort(), []);

  const handleChange = (data: JsonObject | undefined) => {
    const next = (data ?? {}) as JsonObject;
    const before = formDataRef.current ?? {};
    const paths = changedPaths(before, next, (p) => isLeafPath(app.schema, p));
    if (paths.length === 0) return;
    const user = clone(userRef.current);
    for (const path of paths) {
      const value = getAt(next, path);
      // "********" means "keep the stored secret": only where one was loaded.
      setAt(user, path, value === SECRET_MASK && getAt(baseRef.current, path) !== SECRET_MASK ? undefined : clone(value));
    }
    userRef.current = user;
    formDataRef.current = next;
    setFormData(next);
    onUserValuesChange(user);
    setServerErrors((errors) => withoutErrorsAt(errors, paths));
    if (unplaced.length > 0 || serverMessage) {
      setUnplaced([]);
      setServerMessage(null);
    }
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => void resolve(user, false), 350);
  };

  // The server's errors do not block a new try: it checks again, and it is the judge.
  const submit = async () => {
    setClientErrors([]);
    setServerErrors({});
    setUnplaced([]);
    setServerMessage(null);
    setSubmitting(true);
    try {
      await onReview(clone(userRef.current));
    } catch (error) {
      if (error instanceof ApiError && error.status === 422) showServerDetails(error);
      else {
        setServerMessage(error instanceof Error ? error.message : String(error));
        setUnplaced(error instanceof ApiError ? error.details : []);
      }
    } finally {
      setSubmitting(false);
    }
  };

  if (formData === null) {
    if (loadError) return <ErrorMessage error={loadError} title="Could not load the form's values" onRetry={() => void resolve(userRef.current, true)} />;
    return <p className="loading" role="status">Resolving the preset’s values…</p>;
  }

  const serverFieldCount = countErrors(serverErrors);
  return (
    <div className="values-form">
      {loadError != null && <ErrorMessage error={loadError} title="Could not resolve the defaults" />}
      <Form
        schema={schema}
        uiSchema={uiSchema}
        formData={formData}
        validator={validator}
        templates={templates}
        widgets={widgets}
        liveValidate="onChange"
        showErrorList={false}
        noHtml5Validate
        focusOnFirstError
        extraErrors={serverFieldCount > 0 ? serverErrors : undefined}
        transformErrors={transformErrors}
        disabled={disabled || submitting}
        onChange={(event) => handleChange(event.formData as JsonObject)}
        onError={(errors) => setClientErrors(errors)}
        onSubmit={() => void submit()}
        idPrefix="v"
      >
        {(clientErrors.length > 0) && (
          <div className="alert error" role="alert" id="form-problems">
            <strong className="alert-title">
              {clientErrors.length === 1 ? 'One value needs fixing' : `${clientErrors.length} values need fixing`} before the review
            </strong>
            <ul className="details">
              {clientErrors.map((e, i) => {
                const path = propertyPath(e.property);
                const target = path ? ['v', ...path].join('_') : '';
                return (
                  <li key={i}>
                    <a href={`#${target}`} className="problem-link" onClick={(event) => {
                      event.preventDefault();
                      const el = document.getElementById(target);
                      el?.scrollIntoView({ block: 'center' });
                      el?.focus();
                    }}>{labelOf(app.schema, e.property)}</a>: {e.message}
                  </li>
                );
              })}
            </ul>
          </div>
        )}
        {(serverMessage || unplaced.length > 0) && (
          <div className="alert error" role="alert" id="server-problems">
            <strong className="alert-title">The console refused these values</strong>
            {serverMessage && <p className="alert-message">{capitalize(serverMessage)}</p>}
            {serverFieldCount > 0 && <p>{serverFieldCount === 1 ? 'One field shows' : `${serverFieldCount} fields show`} what is wrong.</p>}
            {unplaced.length > 0 && (
              <ul className="details">
                {unplaced.map((d, i) => <li key={i}>{d.location && <code>{d.location}</code>} {d.message}</li>)}
              </ul>
            )}
          </div>
        )}
        <div className="form-actions">
          <button type="submit" disabled={disabled || submitting}>
            {submitting ? 'Computing the diff…' : props.reviewLabel ?? 'Review changes'}
          </button>
          {props.extraActions}
          <span className="muted" role="status" aria-live="polite">{resolving ? 'Updating defaults…' : ''}</span>
        </div>
      </Form>
    </div>
  );
}

// The defaults of a form still being filled in: the server resolves them
// without its schema check (`validate: false`), so an incomplete form or a
// value with a mistake still gets every default; the form's own validator
// shows what is wrong as you type, and the server's review shows what only
// it knows, on the field.
async function resolveLoosely(app: App, preset: string | undefined, values: JsonObject,
  release: { release: string; namespace: string }, signal: AbortSignal,
): Promise<{ resolved: JsonObject; problems: ApiError | null }> {
  const resolved = await api.defaults(app.name, preset, values, release, signal);
  return { resolved, problems: null };
}

function countErrors(schema: unknown): number {
  if (!isObject(schema)) return 0;
  let n = 0;
  for (const [k, v] of Object.entries(schema)) {
    if (k === '__errors' && Array.isArray(v)) n += v.length > 0 ? 1 : 0;
    else n += countErrors(v);
  }
  return n;
}

// "Jetty › Replicas" for ".jetty.replicas".
function labelOf(schema: JsonObject, property: string | undefined): string {
  const path = propertyPath(property);
  if (!path || path.length === 0) return 'The values';
  const titles: string[] = [];
  for (let i = 1; i <= path.length; i++) {
    const node = schemaAt(schema, path.slice(0, i));
    titles.push(typeof node?.title === 'string' ? node.title : path[i - 1]);
  }
  return titles.join(' › ') || toPointer(path);
}
