import * as pulumi from "@pulumi/pulumi";
import { spaceliftPackageRef, spaceliftResourceOptions } from "./resourceOptions";

/**
 * The inputs of `spacelift:index/policy:Policy`, under the provider's own names. None of them is secret:
 * a policy body must not embed a secret (an HS256 key belongs in the launcher's policy file, not here).
 */
export interface PolicyArgs {
  /** The policy's Rego source. Required. */
  body: pulumi.Input<string>;
  /**
   * The decision point the policy applies at. Required. One of `ACCESS`, `APPROVAL`, `GIT_PUSH`, `INITIALIZATION`,
   * `INTENT`, `LOGIN`, `PLAN`, `TASK`, `TRIGGER`, `NOTIFICATION`; this project creates `GIT_PUSH` policies.
   */
  type: pulumi.Input<string>;
  /**
   * The policy's name; should be unique in the account. Pulumi's 2.1 schema marks it optional, Spacelift's
   * Terraform provider requires it, so the components always set it.
   */
  name?: pulumi.Input<string>;
  /** Free-form description. Default: none. */
  description?: pulumi.Input<string>;
  /** Free-form labels; a set, so order and duplicates do not matter. Default: none. */
  labels?: pulumi.Input<pulumi.Input<string>[]>;
  /** The id (slug) of the space the policy is in. Default: chosen by Spacelift. */
  spaceId?: pulumi.Input<string>;
  /** `REGO_V0` or `REGO_V1`; default `REGO_V0`. Newer than the 2.1 schema, so it is sent only when set. */
  engineType?: pulumi.Input<string>;
}

/** `spacelift:index/policy:Policy`, with the provider's own property names. */
export class Policy extends pulumi.CustomResource {
  /** The Pulumi type token the resource is registered under. */
  static readonly __pulumiType = "spacelift:index/policy:Policy";
  /** The policy's Rego source. */
  declare readonly body: pulumi.Output<string>;
  /** The decision point, e.g. `GIT_PUSH`. */
  declare readonly type: pulumi.Output<string>;
  /** The policy's name. */
  declare readonly name: pulumi.Output<string>;
  /** The policy's labels, if any. */
  declare readonly labels: pulumi.Output<string[] | undefined>;
  /** The id (slug) of the space the policy is in. */
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
