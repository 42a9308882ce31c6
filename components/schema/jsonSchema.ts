/**
 * The JSON Schema of `render`'s config file, generated from the same zod
 * schema `render` parses with. Shipped as schema/signed-runs.schema.json
 * (`npm run schema` rewrites it; a test checks it is current).
 */
import { z } from "zod";
import { renderConfig } from "./configFiles";
import { JSON_FORM } from "./shapes";

export const SCHEMA_ID = "https://github.com/spacelift-signed-runs/pulumi-spacelift-signed-runs/schema/signed-runs.schema.json";

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

/** The config file's JSON Schema, as the text shipped in the package. */
export function renderConfigJsonSchema(): string {
  const { $schema, ...rest } = toJson(renderConfig);
  return `${JSON.stringify({ $schema, $id: SCHEMA_ID, title: "spacelift-signed-runs render config (signed-runs.json)", ...rest }, null, 2)}\n`;
}
