# Launcher run initialization policy for Spacelift signed runs.
#
# A private worker's launcher evaluates data.spacelift.deny before it starts a
# run; any message denies the run. A run is allowed only when at least one entry
# of input.run.user_provided_metadata is a run token (a compact JWS) that passes
# every check in valid_tokens. Everything else is denied, with messages saying why.
#
# Anyone with a Writer API key can attach metadata, so what an entry costs is
# bounded: at most max_metadata_entries are read, long entries are not read as
# tokens, at most max_token_entries are examined, each is decoded once, the
# reasons for a deny are only worked out when no token is valid, and every
# value quoted in a message is cut to max_quoted_length.
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

# A run token is a few hundred characters; longer entries are never read as one.
max_entry_length := 8192

# More token-shaped entries than this and none is examined: the run is denied.
max_token_entries := 16

# More entries than this and none is read at all: the run is denied. Reading
# thousands of entries to find the token-shaped ones would cost seconds.
max_metadata_entries := 64

# Values quoted in deny messages (claims, header fields, run fields) are cut to this.
max_quoted_length := 128

# A compact JWS: three base64url parts (the last is empty only for alg "none").
token_shape := `^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$`

default run_env := {}

run_env := input.static_run_environment if is_object(input.static_run_environment)

# Defined for any value, null and false included.
metadata_given if _ = input.run.user_provided_metadata

metadata := input.run.user_provided_metadata

# The positions of the metadata entries that look like tokens and are short
# enough to be one. Other entries (such as a note appended when the run is
# confirmed) are ignored. Comprehensions, not partial rules, because building a
# partial rule of thousands of entries costs time quadratic in their number.
token_shaped_positions := [i |
	readable_metadata
	some i, entry in metadata
	is_string(entry)
	count(entry) <= max_entry_length
	regex.match(token_shape, entry)
]

long_entry_positions := [i |
	readable_metadata
	some i, entry in metadata
	is_string(entry)
	count(entry) > max_entry_length
]

readable_metadata if {
	is_array(metadata)
	count(metadata) <= max_metadata_entries
}

too_many_token_entries if count(token_shaped_positions) > max_token_entries

# The token-shaped entries by position, only when few enough to be examined.
token_shaped_entries[i] := metadata[i] if {
	not too_many_token_entries
	some i in token_shaped_positions
}

# Each examined entry's header, decoded once, as sent: io.jwt.decode would follow
# a cty header to a nested token's header instead.
sent_headers[i] := header if {
	not too_many_token_entries
	some i, entry in token_shaped_entries
	header := json.unmarshal(base64url.decode(split(entry, ".")[0]))
	is_object(header)
}

# Header parameters that change how a token is read: a nested token (cty),
# critical extensions (crit), an unencoded payload (b64). Run tokens use none
# of them, so an entry carrying any of them is not taken for a token.
unsupported_header_parameters := {"b64", "crit", "cty"}

# A header has a parameter when it is defined, whatever its value (b64 is false when used).
unsupported_parameters[i] := parameters if {
	some i, header in sent_headers
	parameters := {name | some name in unsupported_header_parameters; _ = header[name]}
	count(parameters) > 0
}

uses_unsupported_header(header) if {
	some name in unsupported_header_parameters
	_ = header[name]
}

# The entries examined as tokens, by position.
candidate_tokens[i] := entry if {
	not too_many_token_entries
	some i, entry in token_shaped_entries
	not uses_unsupported_header(object.get(sent_headers, i, {}))
}

# The checks a token must pass, all in one rule so that a token is valid only
# when every one of them holds, and so that an allowed run decodes each entry
# once. decode_verify checks the signature under the pinned algorithm, exp and
# nbf (when present) against the clock, and refuses an aud claim. An empty
# required_issuer accepts any iss. The deny messages below only explain failures.
valid_tokens contains i if {
	not too_many_token_entries
	some i, entry in token_shaped_entries
	header := json.unmarshal(base64url.decode(split(entry, ".")[0]))
	not uses_unsupported_header(header)
	key := trusted_keys[header.kid]
	header.alg == key.alg
	[true, _, payload] = io.jwt.decode_verify(entry, verification_constraints(key))
	is_number(payload.exp)
	is_number(payload.nbf)
	payload.exp - payload.nbf <= max_token_lifetime_seconds
	payload.spacelift_stack == run_env.stack_slug
	key.stacks[payload.spacelift_stack]
	run_commits == {payload.sub}
	payload.run_type == run_env.run_type
	key.run_types[payload.run_type]
	command_matches(payload)
	required_issuer in {"", object.get(payload, "iss", null)}
}

verification_constraints(key) := object.remove(key, {"run_types", "stacks"})

# The trusted key each candidate names, when its header pins that key's algorithm.
candidate_keys[i] := key if {
	some i, header in sent_headers
	candidate_tokens[i]
	key := trusted_keys[header.kid]
	header.alg == key.alg
}

# Every explanation below waits for the absence of a valid token.
any_valid_token if count(valid_tokens) > 0

# The commit values the run carries (null and "" count as absent); a token's
# sub must equal every one, and there must be at least one.
run_commits contains commit if {
	some commit in [object.get(run_env, "commit_sha", null), object.get(input, ["run", "commit", "hash"], null)]
	not commit in {null, ""}
}

# A TASK token binds the task's command by its SHA-256; no other token carries one.
run_command := run_env.command if {
	is_string(run_env.command)
	run_env.command != ""
}

command_matches(payload) if {
	payload.run_type != "TASK"
	object.get(payload, "command_sha256", null) == null
}

command_matches(payload) if {
	payload.run_type == "TASK"
	payload.command_sha256 == crypto.sha256(run_command)
}

issuer_matches(iss) if required_issuer in {"", iss}

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

deny contains msg if {
	is_array(metadata)
	count(metadata) > max_metadata_entries
	msg := sprintf(
		"run metadata holds %d entries; at most %d are read, so none was",
		[count(metadata), max_metadata_entries],
	)
}

deny contains msg if {
	too_many_token_entries
	msg := sprintf(
		"run metadata holds %d token-shaped entries; at most %d are examined, so none was",
		[count(token_shaped_positions), max_token_entries],
	)
}

deny contains "no signed token in run metadata" if {
	not any_valid_token
	readable_metadata
	count(metadata) > 0
	not too_many_token_entries
	count(candidate_tokens) == 0
}

# On an allowed run this one rule stands for every explanation below.
deny contains msg if {
	not any_valid_token
	some msg in explanations
}

explanations contains msg if {
	count(long_entry_positions) > 0
	msg := sprintf(
		"%d metadata entries longer than %d characters were not taken for tokens (first: entry %d)",
		[count(long_entry_positions), max_entry_length, min(long_entry_positions)],
	)
}

explanations contains msg if {
	count(candidate_tokens) > 0
	msg := sprintf("no valid signed token in run metadata (%d checked)", [count(candidate_tokens)])
}

explanations contains msg if {
	some [i, problem] in token_problems
	msg := sprintf("metadata entry %d: %s", [i, problem])
}

explanations contains msg if {
	some i, parameters in unsupported_parameters
	msg := sprintf(
		"metadata entry %d: token header has %s, which run tokens never use",
		[i, concat(", ", sort(parameters))],
	)
}

# Why each token failed, worked out only when none is valid. Claims are only
# examined once the signature holds, so a forged token is reported as forged
# and nothing more.
decodable(i) if {
	sent_headers[i]
	payload := json.unmarshal(base64url.decode(split(candidate_tokens[i], ".")[1]))
	is_object(payload)
}

token_problems contains [i, "not a decodable JWS"] if {
	some i, _ in candidate_tokens
	not decodable(i)
}

token_problems contains [i, "token header has no kid"] if {
	some i, _ in candidate_tokens
	decodable(i)
	not is_string(object.get(sent_headers[i], "kid", null))
}

token_problems contains [i, msg] if {
	some i, _ in candidate_tokens
	decodable(i)
	kid := sent_headers[i].kid
	is_string(kid)
	not trusted_keys[kid]
	msg := sprintf("token signed by unknown key %s", [quoted(kid)])
}

token_problems contains [i, msg] if {
	some i, _ in candidate_tokens
	decodable(i)
	header := sent_headers[i]
	key := trusted_keys[header.kid]
	not header.alg == key.alg
	msg := sprintf(
		"token alg %s does not match key %s, which is pinned to %s",
		[claim_text(header, "alg"), quoted(header.kid), key.alg],
	)
}

token_problems contains [i, msg] if {
	some i, key in candidate_keys
	decodable(i)
	not signature_valid(candidate_tokens[i], key)
	msg := sprintf("token signature does not verify under key %s", [quoted(sent_headers[i].kid)])
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
	msg := sprintf(
		"token lifetime %s s (exp - nbf) exceeds the maximum %d s",
		[quoted(lifetime), max_token_lifetime_seconds],
	)
}

token_problems contains [i, msg] if {
	some i, token in verified
	not token.payload.spacelift_stack == run_env.stack_slug
	msg := sprintf(
		"token is for stack %s, run is for stack %s",
		[claim_text(token.payload, "spacelift_stack"), claim_text(run_env, "stack_slug")],
	)
}

token_problems contains [i, msg] if {
	some i, token in verified
	not token.payload.spacelift_stack in token.key.stacks
	msg := sprintf(
		"key %s may not sign for stack %s",
		[quoted(token.kid), claim_text(token.payload, "spacelift_stack")],
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
		[claim_text(token.payload, "sub"), quoted(commit)],
	)
}

token_problems contains [i, msg] if {
	some i, token in verified
	not token.payload.run_type == run_env.run_type
	msg := sprintf(
		"token is for run type %s, run is %s",
		[claim_text(token.payload, "run_type"), claim_text(run_env, "run_type")],
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
		[quoted(token.kid), claim_text(token.payload, "run_type")],
	)
}

token_problems contains [i, "the run is a TASK without a command to bind the token to"] if {
	not run_command
	some i, token in verified
	token.payload.run_type == "TASK"
}

token_problems contains [i, msg] if {
	some i, token in verified
	token.payload.run_type == "TASK"
	digest := crypto.sha256(run_command)
	not token.payload.command_sha256 == digest
	msg := sprintf(
		"token is for a command with sha256 %s, the run's command has sha256 %s",
		[claim_text(token.payload, "command_sha256"), quoted(digest)],
	)
}

token_problems contains [i, "token has a command_sha256 claim, which only TASK tokens carry"] if {
	some i, token in verified
	not token.payload.run_type == "TASK"
	object.get(token.payload, "command_sha256", null) != null
}

token_problems contains [i, msg] if {
	some i, token in verified
	not issuer_matches(object.get(token.payload, "iss", null))
	msg := sprintf("token issuer %s is not %s", [claim_text(token.payload, "iss"), quoted(required_issuer)])
}

# The tokens whose signature verifies under their kid's key and pinned
# algorithm, whatever the clock says.
verified[i] := {"kid": sent_headers[i].kid, "key": key, "payload": payload} if {
	some i, key in candidate_keys
	signature_valid(candidate_tokens[i], key)
	payload := json.unmarshal(base64url.decode(split(candidate_tokens[i], ".")[1]))
	is_object(payload)
}

signature_valid(token, key) if {
	key.alg == "HS256"
	io.jwt.verify_hs256(token, key.secret)
}

signature_valid(token, key) if {
	key.alg == "ES256"
	io.jwt.verify_es256(token, key.cert)
}

# A value as JSON, cut to max_quoted_length characters.
quoted(value) := text if {
	text := json.marshal(value)
	count(text) <= max_quoted_length
}

quoted(value) := concat("", [substring(json.marshal(value), 0, max_quoted_length - 3), "..."]) if {
	count(json.marshal(value)) > max_quoted_length
}

claim_text(doc, name) := quoted(doc[name])

claim_text(doc, name) := "(missing)" if not name in object.keys(doc)
