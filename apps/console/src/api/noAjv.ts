/**
 * Stands in for @rjsf/validator-ajv8, which @rjsf/core's test helper imports: Ajv generates code
 * at run time, which the console's Content-Security-Policy forbids (schemaValidator.ts checks
 * forms instead). Nothing calls this.
 */
export default function refuse(): never {
  throw new Error('Ajv is not part of the console: forms are checked by schemaValidator');
}
export const customizeValidator = refuse;
