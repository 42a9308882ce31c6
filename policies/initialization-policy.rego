# Launcher run initialization policy for Spacelift signed runs.
#
# A private worker's launcher evaluates data.spacelift.deny before it starts a
# run; any message denies the run. A run is allowed only when at least one entry
# of input.run.user_provided_metadata is a run token (a compact JWS) that passes
# every check in valid_tokens. Everything else is denied, with messages saying why.
#
# renderInitializationPolicy renders this text from the template
# policies/initialization-policy.rego by filling in trusted_keys,
# max_token_lifetime_seconds and required_issuer. The template trusts no key.
# Spacelift loads policies from package spacelift, whatever the file path.
# regal ignore:directory-package-mismatch
package spacelift

import rego.v1

# The keys a run token may be signed with, by kid. Each key pins one algorithm
# and lists the stacks and the run types it may sign for. HS256 keys hold
# "secret", ES256 keys hold "cert" (a PEM public key), the names
# io.jwt.decode_verify expects.
trusted_keys := {}

max_token_lifetime_seconds := 3600

# When not empty, a token's iss claim must equal it.
required_issuer := ""

# A compact JWS: three base64url parts (the last is empty only for alg "none").
token_shape := `^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$`

default run_env := {}

run_env := input.static_run_environment if is_object(input.static_run_environment)

metadata_given if {
	is_object(input.run)
	"user_provided_metadata" in object.keys(input.run)
}

metadata := input.run.user_provided_metadata

# Metadata entries that look like tokens, by position. Other entries (such as a
# note appended when the run is confirmed) are ignored.
candidate_tokens[i] := entry if {
	some i, entry in token_shaped_entries
	not uses_unsupported_header(entry)
}

token_shaped_entries[i] := entry if {
	is_array(metadata)
	some i, entry in metadata
	is_string(entry)
	regex.match(token_shape, entry)
}

# Header parameters that change how a token is read: a nested token (cty, which
# io.jwt.decode follows to the inner token's header), critical extensions (crit),
# an unencoded payload (b64). Run tokens use none of them, so an entry carrying
# any of them is not taken for a token. The header is read as sent, before decoding.
unsupported_header_parameters := {"b64", "crit", "cty"}

unsupported_parameters(entry) := parameters if {
	sent_header := json.unmarshal(base64url.decode(split(entry, ".")[0]))
	parameters := object.keys(sent_header) & unsupported_header_parameters
}

uses_unsupported_header(entry) if count(unsupported_parameters(entry)) > 0

# The commit values the run carries; every one present must equal the token's sub.
run_commits contains commit if {
	commit := run_env.commit_sha
	present(commit)
}

run_commits contains commit if {
	commit := input.run.commit.hash
	present(commit)
}

present(value) if {
	value != null
	value != ""
}

# The checks a token must pass, all in one rule so that a token is valid only
# when every one of them holds. The deny messages below only explain failures.
valid_tokens contains i if {
	some i, token in candidate_tokens
	[header, payload, _] := io.jwt.decode(token)
	key := trusted_keys[header.kid]
	header.alg == key.alg
	[true, _, _] = io.jwt.decode_verify(token, verification_constraints(key))
	is_number(payload.exp)
	is_number(payload.nbf)
	payload.exp - payload.nbf <= max_token_lifetime_seconds
	not "aud" in object.keys(payload)
	payload.spacelift_stack == run_env.stack_slug
	payload.spacelift_stack in key.stacks
	commit_matches(payload)
	payload.run_type == run_env.run_type
	payload.run_type in key.run_types
	issuer_matches(payload)
}

signature_valid(token, key) if {
	key.alg == "HS256"
	io.jwt.verify_hs256(token, key.secret)
}

signature_valid(token, key) if {
	key.alg == "ES256"
	io.jwt.verify_es256(token, key.cert)
}

# decode_verify checks the signature under the pinned algorithm, and exp and
# nbf (when present) against the clock.
verification_constraints(key) := object.remove(key, {"run_types", "stacks"})

commit_matches(payload) if {
	count(run_commits) > 0
	every commit in run_commits {
		payload.sub == commit
	}
}

issuer_matches(_) if required_issuer == ""

issuer_matches(payload) if payload.iss == required_issuer

# METADATA
# title: Deny
# description: Why the run may not start; empty when a valid signed run token is in its metadata.
# entrypoint: true
deny contains "no run metadata: the run was not started with a signed run token" if not metadata_given

deny contains msg if {
	metadata_given
	not is_array(metadata)
	msg := sprintf("run metadata is not a list but a %s", [type_name(metadata)])
}

deny contains "run metadata is an empty list: no signed run token" if {
	is_array(metadata)
	count(metadata) == 0
}

deny contains "no signed token in run metadata" if {
	is_array(metadata)
	count(metadata) > 0
	count(candidate_tokens) == 0
}

deny contains msg if {
	count(candidate_tokens) > 0
	count(valid_tokens) == 0
	msg := sprintf("no valid signed token in run metadata (%d checked)", [count(candidate_tokens)])
}

deny contains msg if {
	count(valid_tokens) == 0
	some [i, problem] in token_problems
	msg := sprintf("metadata entry %d: %s", [i, problem])
}

deny contains msg if {
	count(valid_tokens) == 0
	some i, entry in token_shaped_entries
	parameters := unsupported_parameters(entry)
	count(parameters) > 0
	msg := sprintf(
		"metadata entry %d: token header has %s, which run tokens never use",
		[i, concat(", ", sort(parameters))],
	)
}

# Why each token failed. Claims are only examined once the signature holds, so
# a forged token is reported as forged and nothing more.
token_problems contains [i, "not a decodable JWS"] if {
	some i, token in candidate_tokens
	not io.jwt.decode(token)
}

token_problems contains [i, "token header has no kid"] if {
	some i, token in candidate_tokens
	[header, _, _] := io.jwt.decode(token)
	not is_string(object.get(header, "kid", null))
}

token_problems contains [i, msg] if {
	some i, token in candidate_tokens
	[header, _, _] := io.jwt.decode(token)
	is_string(header.kid)
	not trusted_keys[header.kid]
	msg := sprintf("token signed by unknown key %s", [json.marshal(header.kid)])
}

token_problems contains [i, msg] if {
	some i, token in candidate_tokens
	[header, _, _] := io.jwt.decode(token)
	key := trusted_keys[header.kid]
	not header.alg == key.alg
	msg := sprintf(
		"token alg %s does not match key %s, which is pinned to %s",
		[
			claim_text(header, "alg"),
			json.marshal(header.kid),
			key.alg,
		],
	)
}

token_problems contains [i, msg] if {
	some i, token in candidate_tokens
	[header, _, _] := io.jwt.decode(token)
	key := trusted_keys[header.kid]
	header.alg == key.alg
	not signature_valid(token, key)
	msg := sprintf("token signature does not verify under key %s", [json.marshal(header.kid)])
}

token_problems contains [i, msg] if {
	some i, token in verified
	some claim in ["exp", "nbf"]
	not is_number(object.get(token.payload, claim, null))
	msg := sprintf("token has no numeric %s claim", [claim])
}

# decode_verify also refuses a token with an aud claim; that is reported on its own.
token_problems contains [i, "token is expired or not yet valid (exp/nbf)"] if {
	some i, token in verified
	not "aud" in object.keys(token.payload)
	[false, _, _] = io.jwt.decode_verify(candidate_tokens[i], verification_constraints(token.key))
}

token_problems contains [i, "token has an aud claim, which run tokens never carry"] if {
	some i, token in verified
	"aud" in object.keys(token.payload)
}

token_problems contains [i, msg] if {
	some i, token in verified
	lifetime := token.payload.exp - token.payload.nbf
	lifetime > max_token_lifetime_seconds
	msg := sprintf("token lifetime %v s (exp - nbf) exceeds the maximum %d s", [lifetime, max_token_lifetime_seconds])
}

token_problems contains [i, msg] if {
	some i, token in verified
	not token.payload.spacelift_stack == run_env.stack_slug
	msg := sprintf(
		"token is for stack %s, run is for stack %s",
		[
			claim_text(token.payload, "spacelift_stack"),
			claim_text(run_env, "stack_slug"),
		],
	)
}

token_problems contains [i, msg] if {
	some i, token in verified
	not token.payload.spacelift_stack in token.key.stacks
	msg := sprintf(
		"key %s may not sign for stack %s",
		[
			json.marshal(token.kid),
			claim_text(token.payload, "spacelift_stack"),
		],
	)
}

token_problems contains [i, "run has no commit to bind the token to"] if {
	count(run_commits) == 0
	some i, _ in verified
}

token_problems contains [i, msg] if {
	some i, token in verified
	some commit in run_commits
	not token.payload.sub == commit
	msg := sprintf(
		"token is for commit %s, run is for commit %s",
		[
			claim_text(token.payload, "sub"),
			json.marshal(commit),
		],
	)
}

token_problems contains [i, msg] if {
	some i, token in verified
	not token.payload.run_type == run_env.run_type
	msg := sprintf(
		"token is for run type %s, run is %s",
		[
			claim_text(token.payload, "run_type"),
			claim_text(run_env, "run_type"),
		],
	)
}

# The branch is not compared: for a run started through the API Spacelift
# reports "-" or the stack's tracked branch, never the pushed one. Which branch
# may sign which run type is enforced in GitHub, by the key's run types.
token_problems contains [i, msg] if {
	some i, token in verified
	not object.get(token.payload, "run_type", null) in token.key.run_types
	msg := sprintf(
		"key %s may not sign run type %s",
		[
			json.marshal(token.kid),
			claim_text(token.payload, "run_type"),
		],
	)
}

token_problems contains [i, msg] if {
	some i, token in verified
	not issuer_matches(token.payload)
	msg := sprintf("token issuer %s is not %s", [claim_text(token.payload, "iss"), json.marshal(required_issuer)])
}

# The tokens whose signature verifies under their kid's key and pinned algorithm.
verified[i] := {"kid": header.kid, "key": key, "payload": payload} if {
	some i, token in candidate_tokens
	[header, payload, _] := io.jwt.decode(token)
	key := trusted_keys[header.kid]
	header.alg == key.alg
	signature_valid(token, key)
}

claim_text(doc, name) := json.marshal(doc[name])

claim_text(doc, name) := "(missing)" if not name in object.keys(doc)
