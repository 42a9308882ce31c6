/**
 * Checks property names and values sent to spacelift:* resources against the
 * provider's Pulumi schema (Spacelift's 2.1 provider) and, for properties that
 * schema predates, against the current Terraform provider docs.
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { PULUMI_PROVIDER_SCHEMA_FILE, TERRAFORM_PROVIDER_DOCS_DIR } from "./fixtures";

interface SchemaProperty {
  type?: string;
  items?: { type?: string };
  $ref?: string;
  secret?: boolean;
}
interface SchemaResource {
  properties: Record<string, SchemaProperty>;
  inputProperties: Record<string, SchemaProperty>;
  requiredInputs?: string[];
}
interface SchemaType {
  properties: Record<string, SchemaProperty>;
  required?: string[];
}
export interface ProviderSchema {
  resources: Record<string, SchemaResource>;
  types: Record<string, SchemaType>;
}

function readReference(full: string): string {
  if (!existsSync(full)) {
    throw new Error(
      `${full} is missing: the contract test reads Spacelift's reference data from test/fixtures/spacelift/ (see its SOURCE.md files); restore it from git`,
    );
  }
  return readFileSync(full, "utf8");
}

export function loadProviderSchema(): ProviderSchema {
  return JSON.parse(readReference(PULUMI_PROVIDER_SCHEMA_FILE)) as ProviderSchema;
}

/** `spacelift:index/policyAttachment:PolicyAttachment` -> `policy_attachment`. */
export function terraformResourceName(type: string): string {
  const module = type.split(":")[1].split("/")[1];
  return snakeCase(module);
}

export function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

export interface TerraformAttribute {
  name: string;
  /** e.g. "String", "Set of String", "Boolean", "Block List, Max: 1". */
  type: string;
  section: "Required" | "Optional" | "Read-Only";
}

/** The top-level attributes of a resource from its tfplugindocs page. */
export function terraformAttributes(resource: string): Map<string, TerraformAttribute> {
  const text = readReference(path.join(TERRAFORM_PROVIDER_DOCS_DIR, `${resource}.md`));
  const schema = text.slice(text.indexOf("## Schema"));
  const attributes = new Map<string, TerraformAttribute>();
  let section: TerraformAttribute["section"] | undefined;
  for (const line of schema.split("\n")) {
    const heading = /^### (Required|Optional|Read-Only)\s*$/.exec(line);
    if (heading) {
      section = heading[1] as TerraformAttribute["section"];
      continue;
    }
    if (line.startsWith("<a id=") || line.startsWith("### Nested")) break; // nested blocks follow the top level
    const attribute = /^- `([a-z0-9_]+)` \(([^)]+)\)/.exec(line);
    if (attribute && section)
      attributes.set(attribute[1], {
        name: attribute[1],
        type: attribute[2].replace(/, (Sensitive|Deprecated)/g, ""),
        section,
      });
  }
  return attributes;
}

function valueMatchesSchema(
  schema: ProviderSchema,
  property: SchemaProperty,
  value: unknown,
  where: string,
  problems: string[],
): void {
  if (property.$ref !== undefined) {
    const typeName = property.$ref.replace(/^#\/types\//, "");
    const type = schema.types[typeName];
    if (!type) return void problems.push(`${where}: schema type ${typeName} is missing`);
    if (typeof value !== "object" || value === null || Array.isArray(value))
      return void problems.push(`${where}: expected an object (${typeName}), got ${JSON.stringify(value)}`);
    for (const [key, nested] of Object.entries(value)) {
      const nestedProperty = type.properties[key];
      if (!nestedProperty)
        problems.push(
          `${where}.${key}: not a property of ${typeName} (has ${Object.keys(type.properties).join(", ")})`,
        );
      else valueMatchesSchema(schema, nestedProperty, nested, `${where}.${key}`, problems);
    }
    for (const required of type.required ?? [])
      if (!(required in value)) problems.push(`${where}: lacks required ${typeName}.${required}`);
    return;
  }
  switch (property.type) {
    case "string":
      if (typeof value !== "string") problems.push(`${where}: expected a string, got ${JSON.stringify(value)}`);
      return;
    case "boolean":
      if (typeof value !== "boolean") problems.push(`${where}: expected a boolean, got ${JSON.stringify(value)}`);
      return;
    case "integer":
    case "number":
      if (typeof value !== "number") problems.push(`${where}: expected a number, got ${JSON.stringify(value)}`);
      return;
    case "array":
      if (!Array.isArray(value)) return void problems.push(`${where}: expected a list, got ${JSON.stringify(value)}`);
      value.forEach((item, i) => valueMatchesSchema(schema, property.items ?? {}, item, `${where}[${i}]`, problems));
      return;
    default:
      problems.push(`${where}: schema type ${JSON.stringify(property.type)} is not checked by this test`);
  }
}

function valueMatchesTerraform(attribute: TerraformAttribute, value: unknown, where: string, problems: string[]): void {
  const kinds: Record<string, (v: unknown) => boolean> = {
    String: (v) => typeof v === "string",
    Boolean: (v) => typeof v === "boolean",
    Number: (v) => typeof v === "number",
    "Set of String": (v) => Array.isArray(v) && v.every((x) => typeof x === "string"),
    "List of String": (v) => Array.isArray(v) && v.every((x) => typeof x === "string"),
  };
  const check = kinds[attribute.type];
  if (!check) problems.push(`${where}: Terraform type ${attribute.type} is not checked by this test`);
  else if (!check(value))
    problems.push(`${where}: expected ${attribute.type} (Terraform docs), got ${JSON.stringify(value)}`);
}

/**
 * Problems with one resource's inputs: unknown property names, wrong value
 * types, missing required inputs. Empty when the inputs fit the provider.
 * `fromDocsOnly` collects the properties found only in the Terraform docs.
 */
export function checkResourceInputs(
  schema: ProviderSchema,
  type: string,
  inputs: Record<string, unknown>,
  fromDocsOnly?: Set<string>,
): string[] {
  const problems: string[] = [];
  const resource = schema.resources[type];
  if (!resource) return [`${type}: no such resource in the provider schema`];
  const terraform = terraformAttributes(terraformResourceName(type));
  for (const [name, value] of Object.entries(inputs)) {
    const where = `${type} ${name}`;
    const property = resource.inputProperties[name];
    if (property) {
      valueMatchesSchema(schema, property, value, where, problems);
      continue;
    }
    const attribute = terraform.get(snakeCase(name));
    if (!attribute || attribute.section === "Read-Only") {
      problems.push(
        `${where}: not an input of the provider (neither in the Pulumi schema nor as ${snakeCase(name)} in terraform-provider-docs/${terraformResourceName(type)}.md)`,
      );
      continue;
    }
    fromDocsOnly?.add(`${type} ${name}`);
    valueMatchesTerraform(attribute, value, where, problems);
  }
  for (const required of resource.requiredInputs ?? []) {
    if (!(required in inputs)) problems.push(`${type}: required input ${required} is not sent`);
  }
  for (const attribute of terraform.values()) {
    const name = attribute.name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    if (attribute.section === "Required" && !(name in inputs) && !(resource.requiredInputs ?? []).includes(name)) {
      // The Terraform provider requires it, the old Pulumi schema defaulted it (e.g. a name derived from the resource name).
      if (!(name in resource.inputProperties))
        problems.push(`${type}: Terraform-required ${attribute.name} is not sent`);
    }
  }
  return problems;
}

/** Problems with an output the code reads: it must be an output of the provider. */
export function checkResourceOutput(schema: ProviderSchema, type: string, output: string): string[] {
  if (output === "id" || output === "urn") return [];
  const resource = schema.resources[type];
  if (!resource) return [`${type}: no such resource in the provider schema`];
  if (resource.properties[output]) return [];
  const attribute = terraformAttributes(terraformResourceName(type)).get(snakeCase(output));
  return attribute ? [] : [`${type} output ${output}: not an output of the provider`];
}
