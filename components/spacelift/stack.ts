import * as pulumi from "@pulumi/pulumi";
import { spaceliftPackageRef, spaceliftResourceOptions } from "./resourceOptions";

/** The subset of `spacelift:index/stack:Stack` inputs this project sets. */
export interface StackArgs {
  repository: pulumi.Input<string>;
  branch: pulumi.Input<string>;
  name?: pulumi.Input<string>;
  /** The stack id; without it Spacelift derives one from the name. */
  slug?: pulumi.Input<string>;
  projectRoot?: pulumi.Input<string>;
  additionalProjectGlobs?: pulumi.Input<pulumi.Input<string>[]>;
  workerPoolId?: pulumi.Input<string>;
  spaceId?: pulumi.Input<string>;
  labels?: pulumi.Input<pulumi.Input<string>[]>;
  description?: pulumi.Input<string>;
  administrative?: pulumi.Input<boolean>;
  autodeploy?: pulumi.Input<boolean>;
  runnerImage?: pulumi.Input<string>;
  protectFromDeletion?: pulumi.Input<boolean>;
  pulumi?: pulumi.Input<{ loginUrl: pulumi.Input<string>; stackName: pulumi.Input<string> }>;
  /** "TERRAFORM_FOSS", "OPEN_TOFU" or "CUSTOM". */
  terraformWorkflowTool?: pulumi.Input<string>;
  terraformVersion?: pulumi.Input<string>;
  terraformWorkspace?: pulumi.Input<string>;
}

/** `spacelift:index/stack:Stack`. */
export class Stack extends pulumi.CustomResource {
  static readonly __pulumiType = "spacelift:index/stack:Stack";
  declare readonly name: pulumi.Output<string>;
  declare readonly slug: pulumi.Output<string>;
  declare readonly repository: pulumi.Output<string>;
  declare readonly branch: pulumi.Output<string>;
  declare readonly workerPoolId: pulumi.Output<string | undefined>;

  constructor(name: string, args: StackArgs, opts?: pulumi.CustomResourceOptions) {
    const inputs: pulumi.Inputs = {};
    // Only the keys the caller set are sent, so the schema test sees exactly what reaches the provider.
    for (const [key, value] of Object.entries(args)) {
      if (value !== undefined) inputs[key] = value;
    }
    super(Stack.__pulumiType, name, inputs, spaceliftResourceOptions(opts), false, spaceliftPackageRef());
  }
}
