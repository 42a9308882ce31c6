/**
 * `renderWorkflows`: the GitHub workflow files that sign runs and ask Spacelift
 * for them. The parts live in components/workflow/.
 */
import { renderWorkflowFile, type WorkflowFile } from "./renderWorkflowFile";
import { resolveWorkflowOptions, type WorkflowOptions } from "./workflowOptions";

export type { WorkflowFile } from "./renderWorkflowFile";
export type { SpaceliftAuth, WorkflowOptions, WorkflowSigning, WorkflowStack } from "./workflowOptions";
export { PROPOSED_JOB_ID, TRACKED_JOB_ID } from "./renderWorkflowFile";
export { PINNED_SPACECTL_LINUX_AMD64_SHA256, PINNED_SPACECTL_VERSION } from "./spacectlRelease";

/**
 * One workflow file per stack, in stack order. Throws SignedRunsInputError on bad
 * options before rendering anything. Same options, byte-identical files.
 */
export function renderWorkflows(options: WorkflowOptions): WorkflowFile[] {
  const resolved = resolveWorkflowOptions(options);
  return resolved.stacks.map((stack) => renderWorkflowFile(stack, resolved));
}
