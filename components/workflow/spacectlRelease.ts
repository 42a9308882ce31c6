/**
 * The spacectl release the generated workflow installs, pinned with its checksum.
 *
 * The SHA-256 below is the `spacectl_1.22.0_linux_amd64.zip` entry of the
 * release's `spacectl_1.22.0_SHA256SUMS`. GoReleaser writes the same digest into
 * Spacelift's Homebrew tap, which is where it was read from (GitHub itself is not
 * reachable from the machine this was written on):
 * github.com/spacelift-io/homebrew-spacelift, Casks/spacectl.rb, version "1.22.0",
 * on_linux/on_intel sha256.
 */
export const PINNED_SPACECTL_VERSION = "1.22.0";
export const PINNED_SPACECTL_LINUX_AMD64_SHA256 = "4d4cb036be8841d7051ca93dea3498844613a1b145b36e83a54b7fc4a83872dd";

/** The release asset the workflow downloads; the workflow builds the same URL from SPACECTL_VERSION. */
export function spacectlReleaseUrl(version: string): string {
  return `https://github.com/spacelift-io/spacectl/releases/download/v${version}/spacectl_${version}_linux_amd64.zip`;
}
