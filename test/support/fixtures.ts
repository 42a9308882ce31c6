/**
 * Where the third-party reference data the tests and benches read lives: in
 * the repository, under test/fixtures/, each folder with its LICENSE and a
 * SOURCE.md. Nothing a test reads lies outside the checkout.
 */
import * as path from "node:path";
import { findPackageRoot } from "../../components/policy/policyFiles";

const FIXTURES = path.join(findPackageRoot(__dirname), "test", "fixtures");

/** Spacelift's Pulumi provider schema (2.1.x). */
export const PULUMI_PROVIDER_SCHEMA_FILE = path.join(
  FIXTURES,
  "spacelift",
  "pulumi-provider-schema",
  "pulumi-provider-schema.json",
);

/** The Terraform provider's resource docs (v1.53.x): `<resource>.md`, e.g. `worker_pool.md`. */
export const TERRAFORM_PROVIDER_DOCS_DIR = path.join(FIXTURES, "spacelift", "terraform-provider-docs");

/** Spacelift's reference initialization policy, the comparator of `npm run bench:policy`. */
export const REFERENCE_INITIALIZATION_POLICY_FILE = path.join(FIXTURES, "reference", "initialization-policy.rego");
