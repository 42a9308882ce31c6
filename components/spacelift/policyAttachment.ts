import * as pulumi from "@pulumi/pulumi";
import { spaceliftPackageRef, spaceliftResourceOptions } from "./resourceOptions";

export interface PolicyAttachmentArgs {
  policyId: pulumi.Input<string>;
  stackId?: pulumi.Input<string>;
  moduleId?: pulumi.Input<string>;
}

/** `spacelift:index/policyAttachment:PolicyAttachment`: one policy on one stack (or module). */
export class PolicyAttachment extends pulumi.CustomResource {
  static readonly __pulumiType = "spacelift:index/policyAttachment:PolicyAttachment";
  declare readonly policyId: pulumi.Output<string>;
  declare readonly stackId: pulumi.Output<string | undefined>;
  declare readonly moduleId: pulumi.Output<string | undefined>;

  constructor(name: string, args: PolicyAttachmentArgs, opts?: pulumi.CustomResourceOptions) {
    const inputs: pulumi.Inputs = { policyId: args.policyId, stackId: args.stackId, moduleId: args.moduleId };
    super(PolicyAttachment.__pulumiType, name, inputs, spaceliftResourceOptions(opts), false, spaceliftPackageRef());
  }
}
