// STUB: replaced by the workflow work (issue 3). Signatures are final.
import type { SigningAlgorithm } from "./runTokenContract";

export interface WorkflowStack {
  id: string;
  /** The stack's tracked branch; a push there makes a TRACKED run, anywhere else a PROPOSED one. Default "main". */
  branch?: string;
  /** The stack's project root in the repository; "" or undefined means the whole repository. */
  projectRoot?: string;
  additionalProjectGlobs?: string[];
}

export type SpaceliftAuth = { type: "apiKey" } | { type: "oidc"; apiKeyId: string; audience?: string };

export interface WorkflowOptions {
  stacks: WorkflowStack[];
  signing: { algorithm: SigningAlgorithm; kid: string; secretName?: string };
  spacelift: { endpoint: string; auth: SpaceliftAuth };
  maxTokenLifetimeSeconds?: number;
  spacectlVersion?: string;
}

export interface WorkflowFile {
  /** Repository-relative, under .github/workflows/. */
  path: string;
  content: string;
}

export function renderWorkflows(options: WorkflowOptions): WorkflowFile[] {
  void options;
  throw new Error("not implemented yet");
}
