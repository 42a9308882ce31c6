# Unit tests of the template itself. The keys are swapped in with `with`, and
# the tokens carry fixed times (valid 2023 to 2100) so no test reads the clock;
# the TypeScript tests cover the rendered policy with tokens minted now.
# Tests live beside the policy they test (.regal/config.yaml lets their package
# name differ from the directory's).
package spacelift_test

import rego.v1

import data.spacelift

_secret := "rego-unit-test-secret-0123456789abcdef"

# Trusted keys as the renderer writes them, with the given key fields; _keys
# allows a lifetime that covers the fixed validity window of _claims.
_keys_with(fields) := {"unit-1": object.union(
	{
		"constraints": {"alg": "HS256", "secret": _secret},
		"max_lifetime_seconds": _long_lifetime,
		"stacks": {"web-prod"},
		"run_types": {"TRACKED", "TASK"},
	},
	fields,
)}

_keys := _keys_with({})

# The header of _token, as trusted_kids_by_header lists it for unit-1.
_kids_by_header := {split(_token(_claims), ".")[0]: "unit-1"}

_commit := "4f1c2a9e8d7b6c5a4f3e2d1c0b9a8f7e6d5c4b3a"

_other_commit := "0123456789abcdef0123456789abcdef01234567"

# A run started through the API: Spacelift reports "-" as its branch.
_run_env := {"stack_slug": "web-prod", "commit_sha": _commit, "commit_branch": "-", "run_type": "TRACKED"}

_claims := {
	"sub": _commit,
	"spacelift_stack": "web-prod",
	"run_type": "TRACKED",
	"branch": "main",
	"iss": "github-actions",
	"iat": 1700000000,
	"nbf": 1700000000,
	"exp": 4102444800,
}

# Covers the fixed validity window of claims.
_long_lifetime := 4000000000

_token(payload) := io.jwt.encode_sign(
	{"alg": "HS256", "kid": "unit-1", "typ": "JWT"},
	payload,
	{"kty": "oct", "k": base64url.encode_no_pad(_secret)},
)

_run_with(metadata) := {"run": {"user_provided_metadata": metadata}, "static_run_environment": _run_env}

test_template_trusts_no_key if {
	spacelift.trusted_keys == {}
	deny := spacelift.deny with input as _run_with([_token(_claims)])
	"metadata entry 0: token signed by unknown key \"unit-1\"" in deny
}

test_lifetime_above_the_keys_maximum_denied if {
	deny := spacelift.deny with input as _run_with([_token(_claims)])
		with spacelift.trusted_keys as _keys_with({"max_lifetime_seconds": 3600})
		with spacelift.trusted_kids_by_header as _kids_by_header
	"metadata entry 0: token lifetime 2402444800 s (exp - nbf) exceeds the maximum 3600 s" in deny
}

test_valid_token_allowed if {
	deny := spacelift.deny with input as _run_with([_token(_claims)])
		with spacelift.trusted_keys as _keys
		with spacelift.trusted_kids_by_header as _kids_by_header
	deny == set()
}

# A header listed in trusted_kids_by_header is never decoded: with the
# decoding mocked away the token is still allowed, and without the listing
# (the full path) the same token is denied.
test_listed_header_is_not_decoded if {
	allowed := spacelift.deny with input as _run_with([_token(_claims)])
		with spacelift.trusted_keys as _keys
		with spacelift.trusted_kids_by_header as _kids_by_header
		with json.unmarshal as {}
	allowed == set()
	denied := spacelift.deny with input as _run_with([_token(_claims)])
		with spacelift.trusted_keys as _keys
		with json.unmarshal as {}
	denied != set()
}

# The fast path takes only what the full path takes: a run whose commit is
# empty is denied even when the token's sub is empty too.
test_empty_commit_denied_on_the_fast_path if {
	payload := object.union(_claims, {"sub": ""})
	run := object.union(_run_with([_token(payload)]), {"static_run_environment": {"commit_sha": ""}})
	deny := spacelift.deny with input as run
		with spacelift.trusted_keys as _keys
		with spacelift.trusted_kids_by_header as _kids_by_header
	"metadata entry 0: run has no commit to bind the token to" in deny
}

test_note_beside_valid_token_allowed if {
	deny := spacelift.deny with input as _run_with(["confirmed by alice", _token(_claims)])
		with spacelift.trusted_keys as _keys
		with spacelift.trusted_kids_by_header as _kids_by_header
	deny == set()
}

test_missing_metadata_denied if {
	deny := spacelift.deny with input as {"run": {}, "static_run_environment": _run_env}
		with spacelift.trusted_keys as _keys
		with spacelift.trusted_kids_by_header as _kids_by_header
	deny == {"no run metadata: the run was not started with a signed run token"}
}

test_metadata_not_a_list_denied if {
	deny := spacelift.deny with input as _run_with(_token(_claims))
		with spacelift.trusted_keys as _keys
		with spacelift.trusted_kids_by_header as _kids_by_header
	deny == {"run metadata is not a list but a string"}
}

test_empty_metadata_denied if {
	deny := spacelift.deny with input as _run_with([])
		with spacelift.trusted_keys as _keys
		with spacelift.trusted_kids_by_header as _kids_by_header
	deny == {"run metadata is an empty list: no signed run token"}
}

test_no_token_shaped_entry_denied if {
	deny := spacelift.deny with input as _run_with(["deploy-metadata", 3])
		with spacelift.trusted_keys as _keys
		with spacelift.trusted_kids_by_header as _kids_by_header
	deny == {"no signed token in run metadata"}
}

test_expired_token_denied if {
	deny := spacelift.deny with input as _run_with([_token(object.union(_claims, {"nbf": 900000000, "exp": 1000000000}))])
		with spacelift.trusted_keys as _keys
		with spacelift.trusted_kids_by_header as _kids_by_header
	"metadata entry 0: token is expired or not yet valid (exp/nbf)" in deny
}

test_required_issuer_denied if {
	deny := spacelift.deny with input as _run_with([_token(_claims)])
		with spacelift.trusted_keys as _keys_with({"iss": "gitlab-ci"})
		with spacelift.trusted_kids_by_header as _kids_by_header
	"metadata entry 0: token issuer \"github-actions\" is not \"gitlab-ci\"" in deny
}

test_run_commit_hash_must_match_too if {
	run := object.union(_run_with([_token(_claims)]), {"run": {"commit": {"hash": _other_commit}}})
	deny := spacelift.deny with input as run
		with spacelift.trusted_keys as _keys
		with spacelift.trusted_kids_by_header as _kids_by_header
	"no valid signed token in run metadata (1 checked)" in deny
}

test_run_type_bound if {
	run := object.union(_run_with([_token(_claims)]), {"static_run_environment": {"run_type": "PROPOSED"}})
	deny := spacelift.deny with input as run
		with spacelift.trusted_keys as _keys
		with spacelift.trusted_kids_by_header as _kids_by_header
	"metadata entry 0: token is for run type \"TRACKED\", run is \"PROPOSED\"" in deny
}

test_branch_not_compared if {
	payload := object.union(_claims, {"branch": "feature/x"})
	run := object.union(_run_with([_token(payload)]), {"static_run_environment": {"commit_branch": "main"}})
	deny := spacelift.deny with input as run
		with spacelift.trusted_keys as _keys
		with spacelift.trusted_kids_by_header as _kids_by_header
	deny == set()
}

test_run_type_outside_the_key_denied if {
	payload := object.union(_claims, {"run_type": "PROPOSED"})
	run := object.union(_run_with([_token(payload)]), {"static_run_environment": {"run_type": "PROPOSED"}})
	deny := spacelift.deny with input as run
		with spacelift.trusted_keys as _keys
		with spacelift.trusted_kids_by_header as _kids_by_header
	"metadata entry 0: key \"unit-1\" may not sign run type \"PROPOSED\"" in deny
}

test_more_than_sixteen_token_entries_denied if {
	entries := [_token(_claims) | some _ in numbers.range(1, 17)]
	deny := spacelift.deny with input as _run_with(entries)
		with spacelift.trusted_keys as _keys
		with spacelift.trusted_kids_by_header as _kids_by_header
	deny == {"run metadata holds 17 token-shaped entries; at most 16 are examined, so none was"}
}

test_task_token_binds_the_command if {
	command := "terraform state list"
	payload := object.union(_claims, {"run_type": "TASK", "command_sha256": crypto.sha256(command)})
	task_env := {"static_run_environment": {"run_type": "TASK", "command": command}}
	allowed := spacelift.deny with input as object.union(_run_with([_token(payload)]), task_env)
		with spacelift.trusted_keys as _keys
		with spacelift.trusted_kids_by_header as _kids_by_header
	allowed == set()
	other_env := {"static_run_environment": {"run_type": "TASK", "command": "terraform destroy"}}
	denied := spacelift.deny with input as object.union(_run_with([_token(payload)]), other_env)
		with spacelift.trusted_keys as _keys
		with spacelift.trusted_kids_by_header as _kids_by_header
	"no valid signed token in run metadata (1 checked)" in denied
}
