import * as pulumi from "@pulumi/pulumi";
import { spaceliftPackageRef, spaceliftResourceOptions } from "./resourceOptions";

export interface PolicyArgs {
  body: pulumi.Input<string>;
  /** e.g. "GIT_PUSH". */
  type: pulumi.Input<string>;
  name?: pulumi.Input<string>;
  description?: pulumi.Input<string>;
  labels?: pulumi.Input<pulumi.Input<string>[]>;
  spaceId?: pulumi.Input<string>;
  /** "REGO_V0" or "REGO_V1"; newer than the 2.1 schema, so it is sent only when set. */
  engineType?: pulumi.Input<string>;
}

/** `spacelift:index/policy:Policy`, with the provider's own property names. */
export class Policy extends pulumi.CustomResource {
  static readonly __pulumiType = "spacelift:index/policy:Policy";
  declare readonly body: pulumi.Output<string>;
  declare readonly type: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly labels: pulumi.Output<string[] | undefined>;
  declare readonly spaceId: pulumi.Output<string>;

  constructor(name: string, args: PolicyArgs, opts?: pulumi.CustomResourceOptions) {
    const inputs: pulumi.Inputs = {
      body: args.body,
      type: args.type,
      name: args.name,
      description: args.description,
      labels: args.labels,
      spaceId: args.spaceId,
    };
    if (args.engineType !== undefined) inputs.engineType = args.engineType;
    super(Policy.__pulumiType, name, inputs, spaceliftResourceOptions(opts), false, spaceliftPackageRef());
  }
}
