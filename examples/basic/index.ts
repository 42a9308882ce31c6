// The root Pulumi.yaml's program (Pulumi runs this TypeScript source with ts-node).
import { basicExample, readBasicExampleConfig } from "./program";

const { outputs } = basicExample(readBasicExampleConfig());

export const workerPoolId = outputs.workerPoolId;
export const pushPolicyId = outputs.pushPolicyId;
export const stackIds = outputs.stackIds;
export const workflowFiles = outputs.workflowFiles;
export const initializationPolicy = outputs.initializationPolicy;
export const launcherEnvironment = outputs.launcherEnvironment;
export const activeKeys = outputs.activeKeys;
export const trustedKeys = outputs.trustedKeys;
