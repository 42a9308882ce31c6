// A Pulumi program entry point: `main: dist/examples/monorepo/index.js` (after npm run build) in a Pulumi.yaml at the repository root.
// GitHub resources take the repository name without its owner, so set the provider's owner too:
// `pulumi config set github:owner <githubOwner>` (or GITHUB_OWNER), the same value as githubOwner.
import * as pulumi from "@pulumi/pulumi";
import { monorepoExample } from "./program";

const config = new pulumi.Config();
const { outputs } = monorepoExample({
  githubOwner: config.require("githubOwner"),
  githubRepository: config.require("githubRepository"),
  spaceliftEndpoint: config.require("spaceliftEndpoint"),
  oidcApiKeyId: config.require("spaceliftOidcApiKeyId"),
});

export const stackIds = outputs.stackIds;
export const workflowFiles = outputs.workflowFiles;
export const workerPoolId = outputs.workerPoolId;
export const initializationPolicy = outputs.initializationPolicy;
export const launcherEnvironment = outputs.launcherEnvironment;
