import { Validator, type OutputUnit, type Schema } from '@cfworker/json-schema';
import { toErrorSchema, type RJSFSchema, type RJSFValidationError, type ValidationData, type ValidatorType } from '@rjsf/utils';

/** Keywords that only say "something below failed": the failure itself is reported on its own. */
const CONTAINERS = new Set(['properties', 'items', 'prefixItems', 'allOf', 'anyOf', 'oneOf', '$ref', 'additionalProperties', 'unevaluatedProperties', 'if', 'then', 'else', 'dependentSchemas', 'propertyNames']);

function run(schema: RJSFSchema, data: unknown): OutputUnit[] {
  return new Validator(schema as Schema, '2020-12', false).validate(data).errors;
}

/**
 * Forms are checked in the browser against the adapter's JSON Schema without generating code
 * (Ajv compiles validators with `new Function`, which the console's Content-Security-Policy
 * forbids); the hub checks every save again.
 */
export const schemaValidator: ValidatorType = {
  validateFormData(formData, schema, _customValidate, transformErrors, uiSchema): ValidationData<unknown> {
    let errors: RJSFValidationError[] = run(schema, formData ?? {})
      .filter((e) => !CONTAINERS.has(e.keyword) || e.keyword === 'additionalProperties')
      .map((e) => {
        const missing = e.keyword === 'required' ? /"([^"]+)"/.exec(e.error)?.[1] : undefined;
        const path = e.instanceLocation.replace(/^#/, '').split('/').filter(Boolean);
        if (missing) path.push(missing);
        const property = path.length > 0 ? `.${path.join('.')}` : '.';
        const message = missing ? 'is required' : e.error.replace(/^Instance( at "[^"]*")? /, '');
        return { name: e.keyword, property, message, stack: `${property} ${message}`, schemaPath: e.keywordLocation };
      });
    if (transformErrors) errors = transformErrors(errors, uiSchema);
    return { errors, errorSchema: toErrorSchema(errors) };
  },
  isValid(schema, formData, rootSchema) {
    const withDefs = { ...schema, $defs: { ...(rootSchema.$defs ?? {}), ...(schema.$defs ?? {}) } };
    return run(withDefs, formData).length === 0;
  },
  rawValidation(schema, formData) {
    return { errors: run(schema, formData) as never[] };
  },
};
