import * as pulumi from "@pulumi/pulumi";
import { spaceliftPackageRef, spaceliftResourceOptions } from "./resourceOptions";

/**
 * The subset of `spacelift:index/stack:Stack` inputs this project sets, under the provider's own names.
 * Only the keys that are set are sent; an unset key takes the provider's default. None of them is secret.
 */
export interface StackArgs {
  /** The repository's name without the owner part (`repo`, not `owner/repo`). Required. */
  repository: pulumi.Input<string>;
  /** The Git branch the stack tracks: its tracked runs apply this branch. Required. */
  branch: pulumi.Input<string>;
  /**
   * The stack's display name; should be unique in the account. Pulumi's 2.1 schema marks it optional,
   * Spacelift's Terraform provider requires it, so the components always set it (default there: the stack id).
   */
  name?: pulumi.Input<string>;
  /**
   * The stack id. Without it Spacelift derives one from the name. The components pass the stack id they
   * validated: lowercase letters, digits, `-` and `_`, starting with a letter or digit, at most 100 characters.
   */
  slug?: pulumi.Input<string>;
  /** The directory, relative to the repository root, that holds the stack's entrypoint. Default: the repository root. */
  projectRoot?: pulumi.Input<string>;
  /** Paths (globs) whose changes also concern the stack, besides the project root. Default: none. */
  additionalProjectGlobs?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * The worker pool that runs the stack's runs. Default: Spacelift's public workers (required on self-hosted Spacelift).
   * Signed runs are enforced only on a private pool, whose launcher evaluates the initialization policy.
   */
  workerPoolId?: pulumi.Input<string>;
  /** The id (slug) of the space the stack is in. Default: `legacy` if the account has it, else `root`. */
  spaceId?: pulumi.Input<string>;
  /** Free-form labels; a set, so order and duplicates do not matter. Default: none. */
  labels?: pulumi.Input<pulumi.Input<string>[]>;
  /** Free-form description shown to users. Default: none. */
  description?: pulumi.Input<string>;
  /**
   * Whether the stack may manage other Spacelift resources. Default `false`.
   * Deprecated by the provider in favour of `spacelift_role_attachment`.
   */
  administrative?: pulumi.Input<boolean>;
  /** Whether a tracked run applies without a manual confirmation. Default `false`. */
  autodeploy?: pulumi.Input<boolean>;
  /** The Docker image runs are processed in. Default: Spacelift's default runner image. */
  runnerImage?: pulumi.Input<string>;
  /** When `true`, deleting the stack fails until this is turned off. Default `false`. */
  protectFromDeletion?: pulumi.Input<boolean>;
  /** Makes this a Pulumi stack (at most one block). Default: not set, a Terraform/OpenTofu stack. */
  pulumi?: pulumi.Input<{
    /** The state backend the run logs into on initialization, e.g. `s3://bucket` or `https://api.pulumi.com`. */
    loginUrl: pulumi.Input<string>;
    /** The Pulumi stack name to select in that backend. */
    stackName: pulumi.Input<string>;
  }>;
  /** The tool that runs a Terraform stack: `TERRAFORM_FOSS`, `OPEN_TOFU` or `CUSTOM`. Default `TERRAFORM_FOSS`. */
  terraformWorkflowTool?: pulumi.Input<string>;
  /** The Terraform/OpenTofu version, e.g. `1.5.7`. Default: chosen by Spacelift. */
  terraformVersion?: pulumi.Input<string>;
  /** The Terraform workspace to select. Default: none, so Terraform's `default` workspace. */
  terraformWorkspace?: pulumi.Input<string>;
}

/** `spacelift:index/stack:Stack`. */
export class Stack extends pulumi.CustomResource {
  /** The Pulumi type token the resource is registered under. */
  static readonly __pulumiType = "spacelift:index/stack:Stack";
  /** The stack's display name. */
  declare readonly name: pulumi.Output<string>;
  /** The stack id (slug): the one given, or the one Spacelift derived from the name. Same as `id`. */
  declare readonly slug: pulumi.Output<string>;
  /** The repository's name without the owner part. */
  declare readonly repository: pulumi.Output<string>;
  /** The tracked branch. */
  declare readonly branch: pulumi.Output<string>;
  /** The worker pool's id, or `undefined` on Spacelift's public workers. */
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
