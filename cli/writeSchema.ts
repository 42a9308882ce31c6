/**
 * `npm run schema`: writes the JSON Schemas of the CLI's files
 * (schema/signed-runs.schema.json, schema/onboarding.schema.json) from their
 * zod schemas. Not part of the CLI; run from the repository root.
 */
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { onboardingJsonSchema, renderConfigJsonSchema } from "../components/schema/jsonSchema";

for (const [name, text] of [
  ["signed-runs.schema.json", renderConfigJsonSchema()],
  ["onboarding.schema.json", onboardingJsonSchema()],
] as const) {
  const target = path.join(__dirname, "..", "..", "schema", name);
  writeFileSync(target, text);
  process.stdout.write(`wrote ${path.relative(process.cwd(), target)}\n`);
}
