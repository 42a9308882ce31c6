/** The GitHub Actions workflow that signs a run token and triggers the run. */
export { renderWorkflows } from "./renderWorkflows";
export type { SpaceliftAuth, WorkflowFile, WorkflowOptions, WorkflowSigning, WorkflowStack } from "./renderWorkflows";
