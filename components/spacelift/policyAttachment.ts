import * as pulumi from "@pulumi/pulumi";
import { spaceliftPackageRef, spaceliftResourceOptions } from "./resourceOptions";

/**
 * The inputs of `spacelift:index/policyAttachment:PolicyAttachment`. Give one of `stackId` and `moduleId`;
 * a policy attaches to a stack or module at most once. None of them is secret.
 */
export interface PolicyAttachmentArgs {
  /** The id of the policy to attach. Required. `LOGIN` policies apply account-wide and cannot be attached. */
  policyId: pulumi.Input<string>;
  /** The id (slug) of the stack to attach the policy to. */
  stackId?: pulumi.Input<string>;
  /** The id of the module to attach the policy to; this project never sets it. */
  moduleId?: pulumi.Input<string>;
}

/** `spacelift:index/policyAttachment:PolicyAttachment`: one policy on one stack (or module). */
export class PolicyAttachment extends pulumi.CustomResource {
  /** The Pulumi type token the resource is registered under. */
  static readonly __pulumiType = "spacelift:index/policyAttachment:PolicyAttachment";
  /** The attached policy's id. */
  declare readonly policyId: pulumi.Output<string>;
  /** The stack's id (slug), or `undefined` for a module attachment. */
  declare readonly stackId: pulumi.Output<string | undefined>;
  /** The module's id, or `undefined` for a stack attachment. */
  declare readonly moduleId: pulumi.Output<string | undefined>;

  constructor(name: string, args: PolicyAttachmentArgs, opts?: pulumi.CustomResourceOptions) {
    const inputs: pulumi.Inputs = { policyId: args.policyId, stackId: args.stackId, moduleId: args.moduleId };
    super(PolicyAttachment.__pulumiType, name, inputs, spaceliftResourceOptions(opts), false, spaceliftPackageRef());
  }
}
