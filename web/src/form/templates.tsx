// react-jsonschema-form templates and widgets for Pier's catalog forms:
// each schema group a titled section, descriptions as help text under the
// input, booleans as switches, ui.json's "advanced" fields folded away,
// every input with a label and its help and errors tied to it (aria-describedby).
import { useRef, useState, type ReactNode } from 'react';
import {
  ADDITIONAL_PROPERTY_FLAG,
  ariaDescribedByIds,
  canExpand,
  type ArrayFieldItemTemplateProps,
  type ArrayFieldTemplateProps,
  type FieldTemplateProps,
  type IconButtonProps,
  type ObjectFieldTemplateProps,
  type RegistryWidgetsType,
  type TemplatesType,
  type WidgetProps,
  type UiSchema,
} from '@rjsf/utils';
import { SECRET_MASK, hasErrors } from '../lib/values';

function uiOptionsOf(uiSchema: UiSchema | undefined, name: string): Record<string, unknown> {
  const child = (uiSchema as Record<string, unknown> | undefined)?.[name] as Record<string, unknown> | undefined;
  return (child?.['ui:options'] as Record<string, unknown> | undefined) ?? {};
}

function FieldTemplate(props: FieldTemplateProps) {
  const { id, label, children, rawErrors, rawHelp, rawDescription, hidden, required, displayLabel, schema, hideError } = props;
  if (hidden) return <div hidden>{children}</div>;
  const type = schema.type;
  // Objects and arrays render their own title and description.
  if (type === 'object' || type === 'array') return children;
  const errors = !hideError && rawErrors && rawErrors.length > 0 ? rawErrors : null;
  const additional = ADDITIONAL_PROPERTY_FLAG in schema;
  // An array's item: "Item 2" (the list's legend names the array).
  const last = props.fieldPathId.path[props.fieldPathId.path.length - 1];
  const itemIndex = typeof last === 'number' ? last : null;
  const isBoolean = type === 'boolean';
  const help = (
    <>
      {rawDescription && !additional && (
        <p id={`${id}__description`} className="help">{rawDescription}</p>
      )}
      {rawHelp && (
        <p id={`${id}__help`} className="help">{rawHelp}</p>
      )}
      {errors && (
        <ul id={`${id}__error`} className="field-errors">
          {errors.map((e, i) => <li key={i}>{e}</li>)}
        </ul>
      )}
    </>
  );
  if (additional) return <AdditionalProperty {...props}>{children}{help}</AdditionalProperty>;
  return (
    <div className={`field${errors ? ' has-error' : ''}${isBoolean ? ' field-boolean' : ''}`} data-field={id}>
      {displayLabel && !isBoolean && (
        <label htmlFor={id} id={`${id}__label`}>
          {itemIndex !== null ? `Item ${itemIndex + 1}` : label}
          {required && itemIndex === null && <span className="required" aria-hidden="true"> *</span>}
        </label>
      )}
      {children}
      {help}
    </div>
  );
}

// One entry of a free-form map (e.g. environment variables): its name, its value, remove.
function AdditionalProperty(props: Omit<FieldTemplateProps, 'children'> & { children: ReactNode }) {
  const { id, label, onKeyRenameBlur, onRemoveProperty, disabled, readonly, rawErrors, children } = props;
  const errors = rawErrors && rawErrors.length > 0;
  return (
    <div className={`kv-row${errors ? ' has-error' : ''}`}>
      <div className="field">
        <label htmlFor={`${id}-key`}>Name</label>
        <input id={`${id}-key`} type="text" defaultValue={label} key={label} onBlur={onKeyRenameBlur}
          disabled={disabled || readonly} autoComplete="off" spellCheck={false} />
      </div>
      <div className="field">
        <label htmlFor={id}>Value of {label}</label>
        {children}
      </div>
      <button type="button" className="secondary small kv-remove" onClick={onRemoveProperty}
        disabled={disabled || readonly} aria-label={`Remove ${label}`}>Remove</button>
    </div>
  );
}

function Advanced({ count, forceOpen, children }: { count: number; forceOpen: boolean; children: ReactNode }) {
  const [open, setOpen] = useState(false);
  return (
    <details className="advanced" open={open || forceOpen} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>Advanced ({count} {count === 1 ? 'setting' : 'settings'}){forceOpen ? ' — has errors' : ''}</summary>
      <div className="fields">{children}</div>
    </details>
  );
}

function ObjectFieldTemplate(props: ObjectFieldTemplateProps) {
  const { title, schema, properties, uiSchema, fieldPathId, errorSchema, formData, onAddProperty, disabled, readonly } = props;
  const depth = fieldPathId.path.length;
  const visible = properties.filter((p) => !p.hidden);
  const normal = visible.filter((p) => !uiOptionsOf(uiSchema, p.name).advanced);
  const advanced = visible.filter((p) => uiOptionsOf(uiSchema, p.name).advanced);
  const advancedHasErrors = advanced.some((p) => hasErrors((errorSchema as Record<string, unknown> | undefined)?.[p.name]));
  const description = typeof schema.description === 'string' ? schema.description : undefined;
  const titleId = `${fieldPathId.$id}__title`;
  const body = (
    <>
      <div className="fields">{normal.map((p) => p.content)}</div>
      {advanced.length > 0 && (
        <Advanced count={advanced.length} forceOpen={advancedHasErrors}>{advanced.map((p) => p.content)}</Advanced>
      )}
    </>
  );
  if (depth === 0) return <div className="form-groups">{body}</div>;
  const expandable = canExpand(schema, uiSchema, formData);
  if (depth === 1) {
    return (
      <section className="group" aria-labelledby={titleId} id={fieldPathId.$id}>
        <h3 id={titleId}>{title || fieldPathId.path[0]}</h3>
        {description && <p className="group-description">{description}</p>}
        {body}
      </section>
    );
  }
  // A nested object, usually a free-form map such as environment variables.
  const errors = (errorSchema as { __errors?: string[] } | undefined)?.__errors;
  return (
    <fieldset className={`subobject${errors?.length ? ' has-error' : ''}`} id={fieldPathId.$id}
      aria-describedby={description ? `${fieldPathId.$id}__description` : undefined}>
      <legend>{title || String(fieldPathId.path[fieldPathId.path.length - 1])}</legend>
      {description && <p className="help" id={`${fieldPathId.$id}__description`}>{description}</p>}
      {visible.length === 0 && <p className="empty">None.</p>}
      {body}
      {errors && errors.length > 0 && <ul className="field-errors">{errors.map((e, i) => <li key={i}>{e}</li>)}</ul>}
      {expandable && (
        <button type="button" className="secondary small" onClick={onAddProperty} disabled={disabled || readonly}>
          Add {title ? title.toLowerCase() : 'entry'}
        </button>
      )}
    </fieldset>
  );
}

function ArrayFieldTemplate(props: ArrayFieldTemplateProps) {
  const { title, schema, items, canAdd, onAddClick, fieldPathId, disabled, readonly, rawErrors } = props;
  const description = typeof schema.description === 'string' ? schema.description : undefined;
  return (
    <fieldset className={`subobject array${rawErrors?.length ? ' has-error' : ''}`} id={fieldPathId.$id}>
      <legend>{title}</legend>
      {description && <p className="help">{description}</p>}
      {items.length === 0 && <p className="empty">None.</p>}
      <div className="array-items">{items}</div>
      {rawErrors && rawErrors.length > 0 && <ul className="field-errors">{rawErrors.map((e, i) => <li key={i}>{e}</li>)}</ul>}
      {canAdd && (
        <button type="button" className="secondary small" onClick={onAddClick} disabled={disabled || readonly}>
          Add an item
        </button>
      )}
    </fieldset>
  );
}

function ArrayFieldItemTemplate(props: ArrayFieldItemTemplateProps) {
  const { children, buttonsProps, hasToolbar, index, totalItems } = props;
  const { hasMoveUp, hasMoveDown, hasRemove, onMoveUpItem, onMoveDownItem, onRemoveItem, disabled, readonly } = buttonsProps;
  const off = disabled || readonly;
  return (
    <div className="array-item">
      <div className="array-item-field">{children}</div>
      {hasToolbar && (
        <div className="array-item-buttons">
          {hasMoveUp && totalItems > 1 && (
            <button type="button" className="secondary small" onClick={onMoveUpItem} disabled={off || index === 0}
              aria-label={`Move item ${index + 1} up`}>Up</button>
          )}
          {hasMoveDown && totalItems > 1 && (
            <button type="button" className="secondary small" onClick={onMoveDownItem} disabled={off || index === totalItems - 1}
              aria-label={`Move item ${index + 1} down`}>Down</button>
          )}
          {hasRemove && (
            <button type="button" className="secondary small" onClick={onRemoveItem} disabled={off}
              aria-label={`Remove item ${index + 1}`}>Remove</button>
          )}
        </div>
      )}
    </div>
  );
}

function TextButton(text: string) {
  return function Button(props: IconButtonProps) {
    const { iconType: _i, icon: _c, className, uiSchema: _u, registry: _r, ...rest } = props;
    return <button type="button" className={`secondary small ${className ?? ''}`} {...rest}>{text}</button>;
  };
}

// Booleans as switches: a checkbox with role="switch", its label beside it.
function SwitchWidget(props: WidgetProps) {
  const { id, value, disabled, readonly, label, onChange, onBlur, onFocus, autofocus, required } = props;
  return (
    <label className="switch" htmlFor={id}>
      <input type="checkbox" role="switch" id={id} name={id} checked={value === true}
        disabled={disabled || readonly} autoFocus={autofocus} required={false}
        aria-describedby={ariaDescribedByIds(id)}
        onChange={(e) => onChange(e.target.checked)}
        onBlur={(e) => onBlur(id, e.target.checked)}
        onFocus={(e) => onFocus(id, e.target.checked)} />
      <span className="switch-track" aria-hidden="true"><span className="switch-thumb" /></span>
      <span className="switch-label">{label}{required && <span className="required" aria-hidden="true"> *</span>}</span>
    </label>
  );
}

// Secrets: a stored one reads "********" and is not shown; leaving the input
// empty keeps it, typing replaces it.
function PasswordWidget(props: WidgetProps) {
  const { id, value, disabled, readonly, onChange, onBlur, onFocus, autofocus, placeholder } = props;
  const stored = useRef(value === SECRET_MASK);
  if (value === SECRET_MASK) stored.current = true;
  const hidden = value === SECRET_MASK;
  return (
    <input type="password" id={id} name={id} value={hidden ? '' : (value ?? '')}
      placeholder={hidden ? 'Hidden — leave empty to keep it' : placeholder}
      autoComplete="new-password" spellCheck={false} disabled={disabled || readonly} autoFocus={autofocus}
      aria-describedby={ariaDescribedByIds(id)}
      onChange={(e) => onChange(e.target.value === '' ? (stored.current ? SECRET_MASK : undefined) : e.target.value)}
      onBlur={() => onBlur(id, value)} onFocus={() => onFocus(id, value)} />
  );
}

// Radio buttons as a labelled group (the field's label names the group).
function RadioWidget(props: WidgetProps) {
  const { id, value, disabled, readonly, options, onChange, onBlur, onFocus, schema } = props;
  const choices = options.enumOptions ?? [];
  return (
    <div className="radio-group" role="radiogroup" aria-labelledby={`${id}__label`} aria-describedby={ariaDescribedByIds(id)} id={id}>
      {choices.map((choice, i) => (
        <label key={i} className="radio" htmlFor={`${id}-${i}`}>
          <input type="radio" id={`${id}-${i}`} name={id} value={String(i)} checked={choice.value === value}
            disabled={disabled || readonly}
            onChange={() => onChange(schema.type === 'number' || schema.type === 'integer' ? Number(choice.value) : choice.value)}
            onBlur={() => onBlur(id, value)} onFocus={() => onFocus(id, value)} />
          <span>{choice.label}</span>
        </label>
      ))}
    </div>
  );
}

export const templates: Partial<Omit<TemplatesType, 'ButtonTemplates'>> & { ButtonTemplates?: Partial<TemplatesType['ButtonTemplates']> } = {
  FieldTemplate,
  ObjectFieldTemplate,
  ArrayFieldTemplate,
  ArrayFieldItemTemplate,
  ButtonTemplates: {
    AddButton: TextButton('Add'),
    RemoveButton: TextButton('Remove'),
    MoveUpButton: TextButton('Up'),
    MoveDownButton: TextButton('Down'),
    CopyButton: TextButton('Copy'),
  },
};

export const widgets: RegistryWidgetsType = {
  CheckboxWidget: SwitchWidget,
  RadioWidget,
  PasswordWidget,
};
