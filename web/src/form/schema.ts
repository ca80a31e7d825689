// A catalog app's schema.json and ui.json made ready for react-jsonschema-form.
import type { RJSFSchema, RJSFValidationError, UiSchema } from '@rjsf/utils';
import type { JsonObject } from '../api/types';
import { SECRET_MASK, getAt, isObject, parsePointer } from '../lib/values';

// Defaults are the server's business (some are templates such as
// "{{ jetty.replicas }}"): the form starts from the values the server resolved,
// so every `default` is removed from the tree of properties. Literal defaults
// of array items and map entries stay: they fill a newly added entry.
export function formSchema(schema: JsonObject): RJSFSchema {
  const strip = (node: unknown): unknown => {
    if (!isObject(node)) return node;
    const out: JsonObject = { ...node };
    delete out.default;
    if (isObject(out.properties)) {
      const props: JsonObject = {};
      for (const [k, v] of Object.entries(out.properties)) props[k] = strip(v);
      out.properties = props;
    }
    return out;
  };
  const out = strip(schema) as JsonObject;
  delete out.title; // the page names the app; the groups carry their own titles
  delete out.description;
  return out as RJSFSchema;
}

// Fields whose values are secrets: format password or writeOnly.
export function isSecretSchema(node: unknown): boolean {
  return isObject(node) && (node.format === 'password' || node.writeOnly === true);
}

export function schemaAt(schema: JsonObject, path: string[]): JsonObject | undefined {
  let node: unknown = schema;
  for (const key of path) {
    if (!isObject(node)) return undefined;
    if (isObject(node.properties) && isObject(node.properties[key])) node = node.properties[key];
    else if (node.type === 'array' && isObject(node.items) && /^[0-9]+$/.test(key)) node = node.items;
    else if (isObject(node.additionalProperties)) node = node.additionalProperties;
    else return undefined;
  }
  return isObject(node) ? node : undefined;
}

// A value the form treats as one: scalars, arrays, and maps without declared properties.
export function isLeafPath(schema: JsonObject, path: string[]): boolean {
  const node = schemaAt(schema, path);
  if (!node) return true;
  if (node.type === 'array') return true;
  if (node.type === 'object') return !isObject(node.properties);
  return true;
}

// ui.json plus: secrets as password inputs, no submit button of rjsf's own.
export function formUiSchema(schema: JsonObject, ui: JsonObject): UiSchema {
  const walk = (node: unknown, uiNode: JsonObject): JsonObject => {
    const out: JsonObject = { ...uiNode };
    if (!isObject(node)) return out;
    if (isObject(node.properties)) {
      for (const [key, child] of Object.entries(node.properties)) {
        const childUi = isObject(out[key]) ? (out[key] as JsonObject) : {};
        const next = walk(child, childUi);
        if (isSecretSchema(child) && !next['ui:widget']) next['ui:widget'] = 'password';
        if (Object.keys(next).length > 0) out[key] = next;
      }
    }
    return out;
  };
  const out = walk(schema, ui);
  out['ui:submitButtonOptions'] = { norender: true };
  return out as UiSchema;
}

// Secrets already stored read "********": sending that back keeps them, so
// the schema's pattern or length does not apply to the mask.
export function secretMaskFilter(schema: JsonObject, formData: () => unknown) {
  return (errors: RJSFValidationError[]): RJSFValidationError[] =>
    errors
      .filter((error) => {
        const path = propertyPath(error.property);
        if (!path) return true;
        const node = schemaAt(schema, path);
        return !(isSecretSchema(node) && getAt(formData(), path) === SECRET_MASK);
      })
      .map((error) => ({ ...error, message: readable(error) }));
}

function readable(error: RJSFValidationError): string {
  const params = (error.params ?? {}) as Record<string, unknown>;
  switch (error.name) {
    case 'required':
      return 'is required';
    case 'minimum':
      return `must be at least ${params.limit}`;
    case 'maximum':
      return `must be at most ${params.limit}`;
    case 'minLength':
      return `must be at least ${params.limit} character${params.limit === 1 ? '' : 's'} long`;
    case 'maxLength':
      return `must be at most ${params.limit} characters long`;
    case 'pattern':
      return `must match the pattern ${params.pattern}`;
    case 'format':
      return `must be a valid ${params.format}`;
    case 'propertyNames':
      return 'has a name that is not allowed';
    case 'type':
      return `must be ${params.type === 'integer' ? 'a whole number' : params.type === 'number' ? 'a number' : `of type ${params.type}`}`;
    default:
      return error.message ?? 'is not valid';
  }
}

// rjsf's ".jetty.replicas" or "['a.b']" property as a path.
export function propertyPath(property: string | undefined): string[] | null {
  if (!property) return null;
  const out: string[] = [];
  const re = /\.([^.[\]]+)|\['((?:[^'\\]|\\.)*)'\]|\[(\d+)\]/g;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(property))) {
    if (m.index !== consumed) return null;
    out.push(m[1] ?? m[2] ?? m[3]);
    consumed = re.lastIndex;
  }
  return consumed === property.length ? out : null;
}

export function knowsPointer(schema: JsonObject, pointer: string): boolean {
  return !!schemaAt(schema, parsePointer(pointer));
}
