/**
 * Adding signed runs to a program that already manages Spacelift: an existing
 * worker pool and an existing push policy (created by hand or by another
 * program), and a Spacelift stack this program defines itself, whose
 * `workerPoolId` comes from the component.
 *
 * In your own project, import from "pulumi-spacelift-signed-runs" instead of "../../components".
 */
import * as pulumi from "@pulumi/pulumi";
import { SignedRuns, spacelift } from "../../components";

export interface ExistingInfrastructureConfig {
  githubOwner: string;
  githubRepository: string;
  spaceliftEndpoint: string;
  /** The id of the worker pool your launchers already run. */
  existingWorkerPoolId: string;
  /** The id of a GIT_PUSH policy that ignores every push, which you already have. */
  existingPushPolicyId: string;
  /** The slug of the stack this program defines. */
  stackSlug: string;
}

export function existingInfrastructureExample(config: ExistingInfrastructureConfig) {
  // The stack needs the component's pool id, and the component's push-policy attachment needs
  // the stack to exist first. A deferred output breaks the cycle: the stack is declared with a
  // pool id that is filled in below, and the component waits for the stack (dependsOn).
  const [workerPoolId, setWorkerPoolId] = pulumi.deferredOutput<string>();
  const stack = new spacelift.Stack("payments-prod", {
    name: "Payments (production)",
    slug: config.stackSlug,
    repository: config.githubRepository,
    branch: "main",
    projectRoot: "payments",
    autodeploy: true,
    workerPoolId,
  });

  const signedRuns = new SignedRuns(
    "payments",
    {
      github: { owner: config.githubOwner, repository: config.githubRepository },
      stacks: [{ id: config.stackSlug, projectRoot: "payments" }],
      spacelift: { endpoint: config.spaceliftEndpoint },
      workerPool: { id: config.existingWorkerPoolId },
      pushPolicy: { id: config.existingPushPolicyId },
      signing: { algorithm: "ES256" },
    },
    { dependsOn: [stack] },
  );
  setWorkerPoolId(signedRuns.workerPoolId);

  return {
    stack,
    signedRuns,
    outputs: {
      stackId: stack.id,
      workerPoolId: signedRuns.workerPoolId,
      pushPolicyId: signedRuns.pushPolicyId,
      // ES256: public keys only, so this output is not secret and can be copied to the launcher host as it is.
      initializationPolicy: signedRuns.initializationPolicy,
      launcherEnvironment: signedRuns.launcherEnvironment,
    },
  };
}
