/**
 * The JSON Schemas of the CLI's files, generated from the same zod schemas the
 * CLI parses with: `render`'s config (schema/signed-runs.schema.json) and
 * `onboard`'s repositories file (schema/onboarding.schema.json).
 * `npm run schema` rewrites both; a test checks they are current.
 */
import { z } from "zod";
import { onboardingFile, renderConfig } from "./configFiles";
import { JSON_FORM } from "./shapes";

const SCHEMA_BASE = "https://github.com/spacelift-signed-runs/pulumi-spacelift-signed-runs/schema/";
export const SCHEMA_ID = `${SCHEMA_BASE}signed-runs.schema.json`;
export const ONBOARDING_SCHEMA_ID = `${SCHEMA_BASE}onboarding.schema.json`;

function toJson(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, {
    target: "draft-2020-12",
    io: "input",
    unrepresentable: "any",
    // A runtime-only wrapper (deferrable, choice) is written as the schema it stands for.
    override: (ctx) => {
      const form = JSON_FORM.get(ctx.zodSchema);
      if (form === undefined) return;
      const json = toJson(form);
      delete json.$schema;
      for (const key of Object.keys(ctx.jsonSchema)) delete (ctx.jsonSchema as Record<string, unknown>)[key];
      Object.assign(ctx.jsonSchema, json);
    },
  }) as Record<string, unknown>;
}

function shipped(schema: z.ZodType, id: string, title: string): string {
  const { $schema, ...rest } = toJson(schema);
  return `${JSON.stringify({ $schema, $id: id, title, ...rest }, null, 2)}\n`;
}

/** The config file's JSON Schema, as the text shipped in the package. */
export function renderConfigJsonSchema(): string {
  return shipped(renderConfig, SCHEMA_ID, "spacelift-signed-runs render config (signed-runs.json)");
}

/** The onboarding repositories file's JSON Schema, as the text shipped in the package. */
export function onboardingJsonSchema(): string {
  return shipped(onboardingFile, ONBOARDING_SCHEMA_ID, "spacelift-signed-runs onboard repositories file");
}
