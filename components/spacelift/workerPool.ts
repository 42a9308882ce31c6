import * as pulumi from "@pulumi/pulumi";
import { spaceliftPackageRef, spaceliftResourceOptions } from "./resourceOptions";

export interface WorkerPoolArgs {
  name?: pulumi.Input<string>;
  description?: pulumi.Input<string>;
  labels?: pulumi.Input<pulumi.Input<string>[]>;
  spaceId?: pulumi.Input<string>;
  /** Base64 CSR. Without it the provider generates the key and returns `privateKey`. */
  csr?: pulumi.Input<string>;
}

/** `spacelift:index/workerPool:WorkerPool`. `config` and `privateKey` are secret outputs. */
export class WorkerPool extends pulumi.CustomResource {
  static readonly __pulumiType = "spacelift:index/workerPool:WorkerPool";
  declare readonly name: pulumi.Output<string>;
  declare readonly spaceId: pulumi.Output<string>;
  /** The token the launcher reads as SPACELIFT_TOKEN. */
  declare readonly config: pulumi.Output<string>;
  /** The pool's private key, base64 encoded (SPACELIFT_POOL_PRIVATE_KEY). */
  declare readonly privateKey: pulumi.Output<string>;

  constructor(name: string, args: WorkerPoolArgs, opts?: pulumi.CustomResourceOptions) {
    const inputs: pulumi.Inputs = {
      name: args.name,
      description: args.description,
      labels: args.labels,
      spaceId: args.spaceId,
      csr: args.csr === undefined ? undefined : pulumi.secret(args.csr),
      // Outputs the provider computes; listed so the engine fills them in.
      config: undefined,
      privateKey: undefined,
    };
    super(WorkerPool.__pulumiType, name, inputs, spaceliftResourceOptions(opts, { additionalSecretOutputs: ["config", "privateKey", "csr"] }), false, spaceliftPackageRef());
    // additionalSecretOutputs makes the engine encrypt them in state; this keeps them secret in the program too,
    // whatever the provider version reports.
    this.config = pulumi.secret(this.config);
    this.privateKey = pulumi.secret(this.privateKey);
  }
}
