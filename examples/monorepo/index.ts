// A Pulumi program entry point: `main: dist/examples/monorepo/index.js` (after npm run build) in a Pulumi.yaml at the repository root.
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
