/**
 * One schema per input shape (zod 4). The components, the CLI and the
 * renderers parse their inputs with these; the JSON Schema shipped in
 * schema/signed-runs.schema.json is generated from `renderConfig`.
 */
export { signedRunsArgs, signedRunsRepositoryArgs, signedRunsWorkerPoolArgs } from "./component";
export { onboardingFile, renderConfig } from "./configFiles";
export { onboardingJsonSchema, renderConfigJsonSchema, ONBOARDING_SCHEMA_ID, SCHEMA_ID } from "./jsonSchema";
export { parseInput, parsedWhenResolved, inputErrorsOf } from "./problems";
