# Git push policy for stacks whose runs are started only by signed CI triggers.
#
# Spacelift evaluates data.spacelift for every push and pull request event of a
# stack this policy is attached to. Ignoring all of them means Spacelift never
# starts a run on its own: every run comes from CI with a signed run token,
# which the launcher's initialization policy checks.
# Spacelift loads policies from package spacelift, whatever the file path
# (.regal/config.yaml says so to Regal).

# METADATA
# title: Spacelift signed runs, git push policy
# description: Ignores every push and pull request, so that every run comes from CI with a signed run token.
# related_resources:
#   - ref: https://docs.spacelift.io/concepts/policy/git-push-policy
package spacelift

import rego.v1

# METADATA
# title: Ignore
# description: Every push and pull request event is ignored.
# entrypoint: true
ignore := true
