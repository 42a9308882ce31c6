// A Pulumi program entry point: `main: dist/examples/existing-infrastructure/index.js` (after npm run build) in a Pulumi.yaml at the repository root.
// GitHub resources take the repository name without its owner, so set the provider's owner too:
// `pulumi config set github:owner <githubOwner>` (or GITHUB_OWNER), the same value as githubOwner.
import * as pulumi from "@pulumi/pulumi";
import { existingInfrastructureExample } from "./program";

const config = new pulumi.Config();
const { outputs } = existingInfrastructureExample({
  githubOwner: config.require("githubOwner"),
  githubRepository: config.require("githubRepository"),
  spaceliftEndpoint: config.require("spaceliftEndpoint"),
  existingWorkerPoolId: config.require("existingWorkerPoolId"),
  existingPushPolicyId: config.require("existingPushPolicyId"),
  stackSlug: config.get("stackSlug") ?? "payments-prod",
});

export const stackId = outputs.stackId;
export const workerPoolId = outputs.workerPoolId;
export const pushPolicyId = outputs.pushPolicyId;
export const initializationPolicy = outputs.initializationPolicy;
export const launcherEnvironment = outputs.launcherEnvironment;
