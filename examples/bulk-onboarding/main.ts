/**
 * CI that onboards repositories:
 *   npm run build
 *   PULUMI_CONFIG_PASSPHRASE=... GITHUB_TOKEN=... SPACELIFT_API_KEY_ENDPOINT=... SPACELIFT_API_KEY_ID=... SPACELIFT_API_KEY_SECRET=... \
 *     node dist/examples/bulk-onboarding/main.js examples/bulk-onboarding/repositories.json [state-directory]
 * Prints a line per repository and a summary; exits 1 when any repository or the pool failed.
 */
import * as fs from "node:fs";
import { automationRunner } from "./automation";
import { onboardRepositories } from "./onboard";
import type { RepositoryEntry } from "./programs";

interface OnboardingFile {
  spaceliftEndpoint: string;
  repositories: RepositoryEntry[];
}

async function main(): Promise<number> {
  const [listFile, stateDirectory = ".pulumi-state"] = process.argv.slice(2);
  if (listFile === undefined) {
    process.stderr.write("usage: main.js <repositories.json> [state-directory]\n");
    return 2;
  }
  const passphrase = process.env.PULUMI_CONFIG_PASSPHRASE;
  if (passphrase === undefined || passphrase === "") {
    process.stderr.write("PULUMI_CONFIG_PASSPHRASE: missing. Fix: set it to the passphrase that encrypts the onboarding stacks' secrets\n");
    return 2;
  }
  const list = JSON.parse(fs.readFileSync(listFile, "utf8")) as OnboardingFile;
  const runner = automationRunner({ spaceliftEndpoint: list.spaceliftEndpoint, stateDirectory, passphrase });
  const result = await onboardRepositories(list.repositories, runner, (line) => process.stdout.write(`${line}\n`));
  return result.failed.length > 0 || (result.pool !== undefined && "error" in result.pool) ? 1 : 0;
}

if (require.main === module) {
  main().then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
