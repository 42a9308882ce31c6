/**
 * The package's public API: the three components, the renderers and token
 * functions they are built from, the Spacelift binding, the input error, and
 * the types their signatures use. Each domain folder's index.ts lists its own
 * public names; everything else is internal and may change in any release.
 */

// The components.
export * from "./signedRuns";
export type * from "./kubernetes";

// Bad input, before any resource is registered.
export { SignedRunsInputError } from "./schema/inputError";
export type { InputProblem } from "./schema/inputError";

// The renderers, for programs that provision the pieces themselves.
export * from "./policy";
export * from "./workflow";

// The run token, for CI systems other than GitHub Actions and for checks.
export * from "./runToken";

// The small Spacelift binding the components declare their resources with.
export * as spacelift from "./spacelift";
