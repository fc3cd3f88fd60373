/**
 * A validator for the subset of Swagger 2.0 schemas Azure's specs use (type, properties, required,
 * enum, items, $ref, allOf, readOnly), for contract tests: returns every mismatch as "path: problem".
 */
type Schema = Record<string, unknown>;

export function validateAgainstSpec(value: unknown, schema: Schema, spec: { definitions: Record<string, Schema> }, path = '$'): string[] {
  if (typeof schema.$ref === 'string') {
    // Shared ARM types (common-types/…/types.json, e.g. systemData) aren't in the copied spec.
    if (!schema.$ref.startsWith('#/definitions/')) return [];
    const name = schema.$ref.replace('#/definitions/', '');
    const target = spec.definitions[name];
    return target ? validateAgainstSpec(value, target, spec, path) : [`${path}: unknown $ref ${schema.$ref}`];
  }
  const problems: string[] = [];
  for (const part of (schema.allOf as Schema[] | undefined) ?? []) problems.push(...validateAgainstSpec(value, part, spec, path));
  if (value === undefined || value === null) return problems;
  const type = schema.type as string | undefined;
  if (type === 'object' || schema.properties) {
    if (typeof value !== 'object' || Array.isArray(value)) return [...problems, `${path}: expected an object`];
    const record = value as Record<string, unknown>;
    for (const key of (schema.required as string[] | undefined) ?? []) if (!(key in record)) problems.push(`${path}.${key}: required`);
    const properties = (schema.properties as Record<string, Schema> | undefined) ?? {};
    for (const [key, sub] of Object.entries(properties)) if (key in record) problems.push(...validateAgainstSpec(record[key], sub, spec, `${path}.${key}`));
    return problems;
  }
  if (type === 'array') {
    if (!Array.isArray(value)) return [...problems, `${path}: expected an array`];
    value.forEach((item, i) => problems.push(...validateAgainstSpec(item, (schema.items as Schema) ?? {}, spec, `${path}[${i}]`)));
    return problems;
  }
  if (type === 'string' && typeof value !== 'string') problems.push(`${path}: expected a string`);
  if ((type === 'integer' || type === 'number') && typeof value !== 'number') problems.push(`${path}: expected a number`);
  if (type === 'integer' && typeof value === 'number' && !Number.isInteger(value)) problems.push(`${path}: expected an integer`);
  if (type === 'boolean' && typeof value !== 'boolean') problems.push(`${path}: expected a boolean`);
  const values = schema.enum as unknown[] | undefined;
  if (values && !values.includes(value)) problems.push(`${path}: ${JSON.stringify(value)} is not one of ${values.join(', ')}`);
  return problems;
}
