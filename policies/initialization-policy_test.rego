# Unit tests of the template itself. The keys are swapped in with `with`, and
# the tokens carry fixed times (valid 2023 to 2100) so no test reads the clock;
# the TypeScript tests cover the rendered policy with tokens minted now.
# Spacelift loads policies from package spacelift; tests live beside them.
# regal ignore:directory-package-mismatch
package spacelift_test

import rego.v1

import data.spacelift

secret := "rego-unit-test-secret-0123456789abcdef"

keys := {"unit-1": {"alg": "HS256", "secret": secret, "stacks": {"web-prod"}, "run_types": {"TRACKED", "TASK"}}}

commit := "4f1c2a9e8d7b6c5a4f3e2d1c0b9a8f7e6d5c4b3a"

other_commit := "0123456789abcdef0123456789abcdef01234567"

# A run started through the API: Spacelift reports "-" as its branch.
run_env := {"stack_slug": "web-prod", "commit_sha": commit, "commit_branch": "-", "run_type": "TRACKED"}

claims := {
	"sub": commit,
	"spacelift_stack": "web-prod",
	"run_type": "TRACKED",
	"branch": "main",
	"iss": "github-actions",
	"iat": 1700000000,
	"nbf": 1700000000,
	"exp": 4102444800,
}

# Covers the fixed validity window of claims.
long_lifetime := 4000000000

token(payload) := io.jwt.encode_sign(
	{"alg": "HS256", "kid": "unit-1", "typ": "JWT"},
	payload,
	{"kty": "oct", "k": base64url.encode_no_pad(secret)},
)

run_with(metadata) := {"run": {"user_provided_metadata": metadata}, "static_run_environment": run_env}

test_template_trusts_no_key if {
	spacelift.trusted_keys == {}
	deny := spacelift.deny with input as run_with([token(claims)])
	"metadata entry 0: token signed by unknown key \"unit-1\"" in deny
}

test_lifetime_above_template_default_denied if {
	deny := spacelift.deny with input as run_with([token(claims)])
		with spacelift.trusted_keys as keys
	"metadata entry 0: token lifetime 2402444800 s (exp - nbf) exceeds the maximum 3600 s" in deny
}

test_valid_token_allowed if {
	deny := spacelift.deny with input as run_with([token(claims)])
		with spacelift.trusted_keys as keys
		with spacelift.max_token_lifetime_seconds as long_lifetime
	deny == set()
}

test_note_beside_valid_token_allowed if {
	deny := spacelift.deny with input as run_with(["confirmed by alice", token(claims)])
		with spacelift.trusted_keys as keys
		with spacelift.max_token_lifetime_seconds as long_lifetime
	deny == set()
}

test_missing_metadata_denied if {
	deny := spacelift.deny with input as {"run": {}, "static_run_environment": run_env}
		with spacelift.trusted_keys as keys
		with spacelift.max_token_lifetime_seconds as long_lifetime
	deny == {"no run metadata: the run was not started with a signed run token"}
}

test_metadata_not_a_list_denied if {
	deny := spacelift.deny with input as run_with(token(claims))
		with spacelift.trusted_keys as keys
		with spacelift.max_token_lifetime_seconds as long_lifetime
	deny == {"run metadata is not a list but a string"}
}

test_empty_metadata_denied if {
	deny := spacelift.deny with input as run_with([])
		with spacelift.trusted_keys as keys
		with spacelift.max_token_lifetime_seconds as long_lifetime
	deny == {"run metadata is an empty list: no signed run token"}
}

test_no_token_shaped_entry_denied if {
	deny := spacelift.deny with input as run_with(["deploy-metadata", 3])
		with spacelift.trusted_keys as keys
		with spacelift.max_token_lifetime_seconds as long_lifetime
	deny == {"no signed token in run metadata"}
}

test_expired_token_denied if {
	deny := spacelift.deny with input as run_with([token(object.union(claims, {"nbf": 900000000, "exp": 1000000000}))])
		with spacelift.trusted_keys as keys
		with spacelift.max_token_lifetime_seconds as long_lifetime
	"metadata entry 0: token is expired or not yet valid (exp/nbf)" in deny
}

test_required_issuer_denied if {
	deny := spacelift.deny with input as run_with([token(claims)])
		with spacelift.required_issuer as "gitlab-ci"
		with spacelift.trusted_keys as keys
		with spacelift.max_token_lifetime_seconds as long_lifetime
	"metadata entry 0: token issuer \"github-actions\" is not \"gitlab-ci\"" in deny
}

test_run_commit_hash_must_match_too if {
	run := object.union(run_with([token(claims)]), {"run": {"commit": {"hash": other_commit}}})
	deny := spacelift.deny with input as run
		with spacelift.trusted_keys as keys
		with spacelift.max_token_lifetime_seconds as long_lifetime
	"no valid signed token in run metadata (1 checked)" in deny
}

test_run_type_bound if {
	run := object.union(run_with([token(claims)]), {"static_run_environment": {"run_type": "PROPOSED"}})
	deny := spacelift.deny with input as run
		with spacelift.trusted_keys as keys
		with spacelift.max_token_lifetime_seconds as long_lifetime
	"metadata entry 0: token is for run type \"TRACKED\", run is \"PROPOSED\"" in deny
}

test_branch_not_compared if {
	payload := object.union(claims, {"branch": "feature/x"})
	run := object.union(run_with([token(payload)]), {"static_run_environment": {"commit_branch": "main"}})
	deny := spacelift.deny with input as run
		with spacelift.trusted_keys as keys
		with spacelift.max_token_lifetime_seconds as long_lifetime
	deny == set()
}

test_run_type_outside_the_key_denied if {
	payload := object.union(claims, {"run_type": "PROPOSED"})
	run := object.union(run_with([token(payload)]), {"static_run_environment": {"run_type": "PROPOSED"}})
	deny := spacelift.deny with input as run
		with spacelift.trusted_keys as keys
		with spacelift.max_token_lifetime_seconds as long_lifetime
	"metadata entry 0: key \"unit-1\" may not sign run type \"PROPOSED\"" in deny
}

test_more_than_sixteen_token_entries_denied if {
	entries := [token(claims) | some _ in numbers.range(1, 17)]
	deny := spacelift.deny with input as run_with(entries)
		with spacelift.trusted_keys as keys
		with spacelift.max_token_lifetime_seconds as long_lifetime
	deny == {"run metadata holds 17 token-shaped entries; at most 16 are examined, so none was"}
}

test_task_token_binds_the_command if {
	command := "terraform state list"
	payload := object.union(claims, {"run_type": "TASK", "command_sha256": crypto.sha256(command)})
	task_env := {"static_run_environment": {"run_type": "TASK", "command": command}}
	allowed := spacelift.deny with input as object.union(run_with([token(payload)]), task_env)
		with spacelift.trusted_keys as keys
		with spacelift.max_token_lifetime_seconds as long_lifetime
	allowed == set()
	other_env := {"static_run_environment": {"run_type": "TASK", "command": "terraform destroy"}}
	denied := spacelift.deny with input as object.union(run_with([token(payload)]), other_env)
		with spacelift.trusted_keys as keys
		with spacelift.max_token_lifetime_seconds as long_lifetime
	"no valid signed token in run metadata (1 checked)" in denied
}
