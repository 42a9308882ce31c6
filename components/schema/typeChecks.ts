/**
 * Compile-time proof that the hand-written argument interfaces (which carry
 * the TSDoc users see on hover) and the schemas describe the same values: each
 * line fails `tsc` when one side gains, loses or retypes a field.
 */
import type { z } from "zod";
import type {
  SignedRunsArgs,
  SignedRunsKubernetesLauncherArgs,
  SignedRunsRepositoryArgs,
  SignedRunsWorkerPoolArgs,
} from "../signedRuns/args";
import type { InitializationPolicyOptions, RepositoryGrant, TrustedKey } from "../policy/initializationPolicy";
import type { WorkflowOptions } from "../workflow/workflowOptions";
import type * as c from "./component";
import type * as r from "./renderOptions";

/** `true` only when A and B accept the same values (each assignable to the other). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const proven = <T extends true>(): T => true as T;

export const TYPE_CHECKS = [
  proven<Same<SignedRunsArgs, z.input<typeof c.signedRunsArgs>>>(),
  proven<Same<SignedRunsRepositoryArgs, z.input<typeof c.signedRunsRepositoryArgs>>>(),
  proven<Same<SignedRunsWorkerPoolArgs, z.input<typeof c.signedRunsWorkerPoolArgs>>>(),
  proven<Same<SignedRunsKubernetesLauncherArgs, z.input<typeof c.kubernetesLauncher>>>(),
  proven<Same<TrustedKey, z.input<typeof r.trustedKey>>>(),
  proven<Same<RepositoryGrant, z.input<typeof r.policyGrant>>>(),
  proven<Same<InitializationPolicyOptions, z.input<typeof r.initializationPolicyOptions>>>(),
  proven<Same<WorkflowOptions, z.input<typeof r.workflowOptions>>>(),
] as const;
