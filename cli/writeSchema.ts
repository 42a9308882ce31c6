/**
 * `npm run schema`: writes schema/signed-runs.schema.json from the config
 * file's zod schema. Not part of the CLI; run from the repository root.
 */
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { renderConfigJsonSchema } from "../components/schema/jsonSchema";

const target = path.join(__dirname, "..", "..", "schema", "signed-runs.schema.json");
writeFileSync(target, renderConfigJsonSchema());
process.stdout.write(`wrote ${path.relative(process.cwd(), target)}\n`);
