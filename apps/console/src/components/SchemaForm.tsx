import Form from '@rjsf/core';
import type { IconButtonProps, MultiSchemaFieldTemplateProps, OptionalDataControlsTemplateProps, RJSFSchema, UiSchema } from '@rjsf/utils';
import { schemaValidator } from '../api/schemaValidator';

/** Buttons with words, not icon fonts the console does not ship: every control has a name. */
function textButton(text: string) {
  return function TextButton({ icon: _icon, iconType: _type, uiSchema: _ui, registry: _registry, className, title, ...props }: IconButtonProps) {
    return <button type="button" {...props} className={`secondary ${className ?? ''}`} title={title}>{text}</button>;
  };
}

const BUTTONS = {
  AddButton: textButton('Add'),
  CopyButton: textButton('Copy'),
  MoveDownButton: textButton('Move down'),
  MoveUpButton: textButton('Move up'),
  RemoveButton: textButton('Remove'),
  ClearButton: textButton('Clear'),
};

/** Adding or removing an optional part of the form (its fieldset names which), said in words. */
function OptionalControls({ id, label, onAddClick, onRemoveClick }: OptionalDataControlsTemplateProps) {
  if (onAddClick) return <button id={id} type="button" className="secondary" title={label} onClick={onAddClick}>Add</button>;
  if (onRemoveClick) return <button id={id} type="button" className="secondary" title={label} onClick={onRemoveClick}>Remove</button>;
  return <em id={id}>{label}</em>;
}

/** A choice between schemas (anyOf) names its selector, which react-jsonschema-form leaves unlabelled. */
function ChoiceTemplate({ schema, selector, optionSchemaField }: MultiSchemaFieldTemplateProps) {
  return (
    <div className="choice">
      {selector && <label className="choice-label">{`${schema.title ?? 'Value'}: as`} {selector}</label>}
      {optionSchemaField}
    </div>
  );
}

const humanize = (key: string) => key.charAt(0).toUpperCase() + key.slice(1).replace(/_/g, ' ');

/**
 * A JSON Schema as a form wants it: "or null" choices become plain optional fields (an empty
 * field is left out, which the API reads as unset), and properties without a title get their key
 * in words. The meaning of the schema is unchanged.
 */
export function forForm(schema: RJSFSchema): RJSFSchema {
  const { $schema: _drop, ...rest } = schema as RJSFSchema & { $schema?: string };
  let out: RJSFSchema = rest;
  const choices = out.anyOf as RJSFSchema[] | undefined;
  if (choices) {
    const real = choices.filter((c) => c.type !== 'null');
    if (real.length === 1 && real.length < choices.length) {
      const { anyOf: _choices, ...others } = out;
      out = { ...real[0], ...others };
    }
  }
  if (out.properties) {
    out = { ...out, properties: Object.fromEntries(Object.entries(out.properties).map(([key, prop]) => {
      const p = forForm(prop as RJSFSchema);
      return [key, { title: humanize(key), ...p }];
    })) };
  }
  if (out.items && typeof out.items === 'object' && !Array.isArray(out.items)) out = { ...out, items: forForm(out.items as RJSFSchema) };
  if (out.additionalProperties && typeof out.additionalProperties === 'object') out = { ...out, additionalProperties: forForm(out.additionalProperties as RJSFSchema) };
  if (Array.isArray(out.anyOf)) out = { ...out, anyOf: (out.anyOf as RJSFSchema[]).map(forForm) };
  return out;
}

interface SchemaFormProps {
  schema: RJSFSchema;
  uiSchema?: UiSchema;
  idPrefix: string;
  submitText: string;
  busy: boolean;
  formData?: unknown;
  onChange?(data: unknown): void;
  onSubmit(data: unknown): void;
}

/** react-jsonschema-form with the console's validator (no generated code) and text buttons. */
export function SchemaForm({ schema, uiSchema, idPrefix, submitText, busy, formData, onChange, onSubmit }: SchemaFormProps) {
  return (
    <Form
      schema={forForm(schema)}
      // An optional object (a mapping's storm rule, say) is left out until the user adds it.
      uiSchema={{ ...uiSchema, 'ui:globalOptions': { enableOptionalDataFieldForType: ['object'] }, 'ui:submitButtonOptions': { submitText, props: { disabled: busy } } }}
      validator={schemaValidator}
      templates={{ ButtonTemplates: BUTTONS, MultiSchemaFieldTemplate: ChoiceTemplate, OptionalDataControlsTemplate: OptionalControls }}
      idPrefix={idPrefix}
      showErrorList={false}
      formData={formData}
      onChange={onChange ? (e) => onChange(e.formData) : undefined}
      onSubmit={({ formData: data }) => onSubmit(data)}
    />
  );
}
