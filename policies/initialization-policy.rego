# Launcher run initialization policy for Spacelift signed runs.
#
# A private worker's launcher evaluates data.spacelift.deny before it starts a
# run; any message denies the run. A run is allowed only when at least one entry
# of input.run.user_provided_metadata is a run token (a compact JWS) that passes
# every check in _allowed. Everything else is denied, with messages saying why.
#
# Anyone with a Writer API key can attach metadata, so what an entry costs is
# bounded: at most _max_metadata_entries are read, long entries are not read as
# tokens, at most _max_token_entries are examined, each is decoded once, the
# reasons for a deny are only worked out when no token is valid, and every
# value quoted in a message is cut to _max_quoted_length.
#
# renderInitializationPolicy renders this text from the template
# policies/initialization-policy.rego by filling in trusted_keys and
# trusted_kids_by_header. The template trusts no key. Rules prefixed with _
# are internal. What callers use: deny (the launcher's entrypoint), and the two
# values the renderer fills in.
# Spacelift loads policies from package spacelift, whatever the file path
# (.regal/config.yaml says so to Regal).

# METADATA
# title: Spacelift signed runs, launcher initialization policy
# description: >-
#   Denies every run whose metadata carries no run token that is signed by a
#   trusted key and bound to the run's stack, commit and run type.
# related_resources:
#   - ref: https://docs.spacelift.io/concepts/policy/run-initialization-policy
package spacelift

import rego.v1

# METADATA
# title: Trusted keys
# description: >-
#   The keys a run token may be signed with, by kid, each with every rule its
#   tokens must meet. "constraints" is what io.jwt.decode_verify checks the
#   signature with: the pinned "alg" and, for HS256, the "secret" or, for
#   ES256, the "cert" (a PEM public key). "stacks" and "run_types" are what the
#   key may sign for, "max_lifetime_seconds" the most seconds a token's exp may
#   lie after its nbf, and "iss", when present, the issuer a token must name.
#   The run-wide rules are repeated in every key so that an allowed run reads
#   no other rule: on OPA 0.70 each rule read costs as much as a claim check.
#   Filled in by renderInitializationPolicy.
trusted_keys := {}

# METADATA
# title: Trusted keys by token header
# description: >-
#   For each trusted key, the protected header this package's signers write
#   (base64url of {"alg", "kid", "typ": "JWT"} as JSON, in that order), mapped
#   to its kid: such a token's key is found without decoding its header. Other
#   headers get the same decision, more slowly. Filled in by
#   renderInitializationPolicy.
trusted_kids_by_header := {}

# A run token is a few hundred characters; longer entries are never read as one.
_max_entry_length := 8192

# More token-shaped entries than this and none is examined: the run is denied.
_max_token_entries := 16

# More entries than this and none is read at all: the run is denied. Reading
# thousands of entries to find the token-shaped ones would cost seconds.
_max_metadata_entries := 64

# Values quoted in deny messages (claims, header fields, run fields) are cut to this.
_max_quoted_length := 128

# A compact JWS: three base64url parts (the last is empty only for alg "none").
_token_shape := `^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$`

default _run_env := {}

_run_env := input.static_run_environment if is_object(input.static_run_environment)

# Defined for any value, null and false included.
_metadata_given if _ = input.run.user_provided_metadata

_metadata := input.run.user_provided_metadata

# The positions of the metadata entries that look like tokens and are short
# enough to be one. Other entries (such as a note appended when the run is
# confirmed) are ignored. Comprehensions, not partial rules, because building a
# partial rule of thousands of entries costs time quadratic in their number.
_token_shaped_positions := [i |
	_readable_metadata
	some i, entry in _metadata
	is_string(entry)
	count(entry) <= _max_entry_length
	regex.match(_token_shape, entry)
]

_long_entry_positions := [i |
	_readable_metadata
	some i, entry in _metadata
	is_string(entry)
	count(entry) > _max_entry_length
]

_readable_metadata if {
	is_array(_metadata)
	count(_metadata) <= _max_metadata_entries
}

_too_many_token_entries if count(_token_shaped_positions) > _max_token_entries

# The token-shaped entries by position, only when few enough to be examined.
_token_shaped_entries[i] := _metadata[i] if {
	not _too_many_token_entries
	some i in _token_shaped_positions
}

# Each examined entry's header, decoded once, as sent: io.jwt.decode would follow
# a cty header to a nested token's header instead.
_sent_headers[i] := header if {
	not _too_many_token_entries
	some i, entry in _token_shaped_entries
	header := json.unmarshal(base64url.decode(split(entry, ".")[0]))
	is_object(header)
}

# Header parameters that change how a token is read: a nested token (cty),
# critical extensions (crit), an unencoded payload (b64). Run tokens use none
# of them, so an entry carrying any of them is not taken for a token.
_unsupported_header_parameters := {"b64", "crit", "cty"}

# A header has a parameter when it is defined, whatever its value (b64 is false when used).
_unsupported_parameters[i] := parameters if {
	some i, header in _sent_headers
	parameters := {name | some name in _unsupported_header_parameters; _ = header[name]}
	count(parameters) > 0
}

_uses_unsupported_header(header) if {
	some name in _unsupported_header_parameters
	_ = header[name]
}

# The entries examined as tokens, by position.
_candidate_tokens[i] := entry if {
	not _too_many_token_entries
	some i, entry in _token_shaped_entries
	not _uses_unsupported_header(object.get(_sent_headers, i, {}))
}

# The run is allowed when one examined entry passes every check of the second
# body (the full path). The deny messages below only explain failures, and are
# worked out only when no token passes. An allowed run evaluates nothing else,
# so this is written for OPA 0.70, where every expression, rule read and call
# costs about as much as a claim check: bounds are literals (the values of
# _max_entry_length, _max_token_entries and _unsupported_header_parameters),
# claims are read from input directly, and each key carries its own rules.
#
# The first body is a fast path for what this package's signers produce: up to
# 16 entries, no TASK, a header listed in trusted_kids_by_header (found by its
# text, not decoded; none has b64, crit or cty), a non-empty commit_sha and
# run.commit.hash absent or equal, an iss claim. Each of its checks is the full
# path's or stricter, so it only ever changes how fast the decision is.
#
# The full path decodes the header to find the key; io.jwt.decode_verify then
# checks the signature under the key's pinned alg, exp and nbf against the
# clock, and refuses aud. exp - nbf is only defined for numbers. "=" and line
# breaks, the only characters outside _token_shape that OPA's base64url
# decoding accepts, are refused instead of matching it (which costs more than
# all claim checks). The commit set is _run_commits. iss is compared here: the
# iss constraint of io.jwt.decode_verify panics on a non-string iss.
# Two bodies of one rule, not helper rules or functions: on OPA 0.70 each
# call or rule read costs more than the checks it would save.
_allowed if {
	metadata := input.run.user_provided_metadata
	is_array(metadata)
	count(metadata) <= 16
	input.static_run_environment.run_type != "TASK"
	some entry in metadata
	is_string(entry)
	count(entry) <= 8192
	not contains(entry, "=")
	not contains(entry, "\n")
	not contains(entry, "\r")
	key := trusted_keys[trusted_kids_by_header[split(entry, ".")[0]]]
	[true, _, payload] = io.jwt.decode_verify(entry, key.constraints)
	payload.exp - payload.nbf <= key.max_lifetime_seconds
	payload.spacelift_stack == input.static_run_environment.stack_slug
	key.stacks[payload.spacelift_stack]
	payload.run_type == input.static_run_environment.run_type
	key.run_types[payload.run_type]
	payload.sub == input.static_run_environment.commit_sha
	object.get(input.run, ["commit", "hash"], payload.sub) == payload.sub
	count(payload.sub) > 0
	object.get(payload, ["command_sha256"], null) == null
	object.get(key, ["iss"], payload.iss) == payload.iss
} else if {
	some entry in _examined_entries
	is_string(entry)
	count(entry) <= 8192
	not contains(entry, "=")
	not contains(entry, "\n")
	not contains(entry, "\r")
	header := json.unmarshal(base64url.decode(split(entry, ".")[0]))
	count(object.filter(header, {"b64", "crit", "cty"})) == 0
	key := trusted_keys[header.kid]
	[true, _, payload] = io.jwt.decode_verify(entry, key.constraints)
	payload.exp - payload.nbf <= key.max_lifetime_seconds
	payload.spacelift_stack == input.static_run_environment.stack_slug
	key.stacks[payload.spacelift_stack]
	payload.run_type == input.static_run_environment.run_type
	key.run_types[payload.run_type]
	commits := {
		object.get(input.static_run_environment, "commit_sha", null),
		object.get(input.run, ["commit", "hash"], null),
	}
	commits - {null, ""} == {payload.sub}
	object.get(payload, "command_sha256", null) == _expected_command_sha256
	iss := object.get(payload, "iss", null)
	object.get(key, "iss", iss) == iss
}

# The entries _allowed examines. Up to 16 entries need no counting of the
# token-shaped ones; 17 to 64 are narrowed to the token-shaped ones, when
# there are at most 16 of those.
_examined_entries := metadata if {
	metadata := input.run.user_provided_metadata
	is_array(metadata)
	count(metadata) <= 16
} else := [entry | some entry in _token_shaped_entries]

# What a token's command_sha256 must be for this run: absent (null) unless the
# run is a TASK, and then the SHA-256 of its command, which must be given.
_expected_command_sha256 := null if {
	input.static_run_environment.run_type != "TASK"
} else := crypto.sha256(_run_command) if {
	input.static_run_environment.run_type == "TASK"
}

# The trusted key each candidate names, when its header pins that key's algorithm.
_candidate_keys[i] := key if {
	some i, header in _sent_headers
	_candidate_tokens[i]
	key := trusted_keys[header.kid]
	header.alg == key.constraints.alg
}

# The commit values the run carries (null and "" count as absent); a token's
# sub must equal every one, and there must be at least one.
_run_commits contains commit if {
	some commit in [object.get(_run_env, "commit_sha", null), object.get(input, ["run", "commit", "hash"], null)]
	not commit in {null, ""}
}

# A TASK token binds the task's command by its SHA-256; no other token carries one.
_run_command := _run_env.command if {
	is_string(_run_env.command)
	_run_env.command != ""
}

# METADATA
# title: Deny
# description: Why the run may not start; empty when a valid signed run token is in its metadata.
# entrypoint: true
deny contains msg if {
	not _allowed
	some msg in _denials
}

# Why the run is denied, worked out only when no token is valid: on an
# allowed run, deny evaluates _allowed and nothing else.
_denials contains "no run metadata: the run was not started with a signed run token" if not _metadata_given

_denials contains msg if {
	_metadata_given
	not is_array(_metadata)
	msg := sprintf("run metadata is not a list but a %s", [type_name(_metadata)])
}

_denials contains "run metadata is an empty list: no signed run token" if {
	is_array(_metadata)
	count(_metadata) == 0
}

_denials contains msg if {
	is_array(_metadata)
	count(_metadata) > _max_metadata_entries
	msg := sprintf(
		"run metadata holds %d entries; at most %d are read, so none was",
		[count(_metadata), _max_metadata_entries],
	)
}

_denials contains msg if {
	_too_many_token_entries
	msg := sprintf(
		"run metadata holds %d token-shaped entries; at most %d are examined, so none was",
		[count(_token_shaped_positions), _max_token_entries],
	)
}

_denials contains "no signed token in run metadata" if {
	_readable_metadata
	count(_metadata) > 0
	not _too_many_token_entries
	count(_candidate_tokens) == 0
}

_denials contains msg if {
	count(_long_entry_positions) > 0
	msg := sprintf(
		"%d metadata entries longer than %d characters were not taken for tokens (first: entry %d)",
		[count(_long_entry_positions), _max_entry_length, min(_long_entry_positions)],
	)
}

_denials contains msg if {
	count(_candidate_tokens) > 0
	msg := sprintf("no valid signed token in run metadata (%d checked)", [count(_candidate_tokens)])
}

_denials contains msg if {
	some [i, problem] in _token_problems
	msg := sprintf("metadata entry %d: %s", [i, problem])
}

_denials contains msg if {
	some i, parameters in _unsupported_parameters
	msg := sprintf(
		"metadata entry %d: token header has %s, which run tokens never use",
		[i, concat(", ", sort(parameters))],
	)
}

# Why each token failed, worked out only when none is valid. Claims are only
# examined once the signature holds, so a forged token is reported as forged
# and nothing more.
_decodable(i) if {
	_sent_headers[i]
	payload := json.unmarshal(base64url.decode(split(_candidate_tokens[i], ".")[1]))
	is_object(payload)
}

_token_problems contains [i, "not a decodable JWS"] if {
	some i, _ in _candidate_tokens
	not _decodable(i)
}

_token_problems contains [i, "token header has no kid"] if {
	some i, _ in _candidate_tokens
	_decodable(i)
	not is_string(object.get(_sent_headers[i], "kid", null))
}

_token_problems contains [i, msg] if {
	some i, _ in _candidate_tokens
	_decodable(i)
	kid := _sent_headers[i].kid
	is_string(kid)
	not trusted_keys[kid]
	msg := sprintf("token signed by unknown key %s", [_quoted(kid)])
}

_token_problems contains [i, msg] if {
	some i, _ in _candidate_tokens
	_decodable(i)
	header := _sent_headers[i]
	key := trusted_keys[header.kid]
	not header.alg == key.constraints.alg
	msg := sprintf(
		"token alg %s does not match key %s, which is pinned to %s",
		[_claim_text(header, "alg"), _quoted(header.kid), key.constraints.alg],
	)
}

_token_problems contains [i, msg] if {
	some i, key in _candidate_keys
	_decodable(i)
	not _signature_valid(_candidate_tokens[i], key)
	msg := sprintf("token signature does not verify under key %s", [_quoted(_sent_headers[i].kid)])
}

_token_problems contains [i, msg] if {
	some i, token in _verified
	some claim in ["exp", "nbf"]
	not is_number(object.get(token.payload, claim, null))
	msg := sprintf("token has no numeric %s claim", [claim])
}

# decode_verify also refuses a token with an aud claim; that is reported on its own.
_token_problems contains [i, "token is expired or not yet valid (exp/nbf)"] if {
	some i, token in _verified
	not "aud" in object.keys(token.payload)
	[false, _, _] = io.jwt.decode_verify(_candidate_tokens[i], token.key.constraints)
}

_token_problems contains [i, "token has an aud claim, which run tokens never carry"] if {
	some i, token in _verified
	"aud" in object.keys(token.payload)
}

_token_problems contains [i, msg] if {
	some i, token in _verified
	lifetime := token.payload.exp - token.payload.nbf
	lifetime > token.key.max_lifetime_seconds
	msg := sprintf(
		"token lifetime %s s (exp - nbf) exceeds the maximum %d s",
		[_quoted(lifetime), token.key.max_lifetime_seconds],
	)
}

_token_problems contains [i, msg] if {
	some i, token in _verified
	not token.payload.spacelift_stack == _run_env.stack_slug
	msg := sprintf(
		"token is for stack %s, run is for stack %s",
		[_claim_text(token.payload, "spacelift_stack"), _claim_text(_run_env, "stack_slug")],
	)
}

_token_problems contains [i, msg] if {
	some i, token in _verified
	not token.payload.spacelift_stack in token.key.stacks
	msg := sprintf(
		"key %s may not sign for stack %s",
		[_quoted(token.kid), _claim_text(token.payload, "spacelift_stack")],
	)
}

_token_problems contains [i, "run has no commit to bind the token to"] if {
	count(_run_commits) == 0
	some i, _ in _verified
}

_token_problems contains [i, msg] if {
	some i, token in _verified
	some commit in _run_commits
	not token.payload.sub == commit
	msg := sprintf(
		"token is for commit %s, run is for commit %s",
		[_claim_text(token.payload, "sub"), _quoted(commit)],
	)
}

_token_problems contains [i, msg] if {
	some i, token in _verified
	not token.payload.run_type == _run_env.run_type
	msg := sprintf(
		"token is for run type %s, run is %s",
		[_claim_text(token.payload, "run_type"), _claim_text(_run_env, "run_type")],
	)
}

# The branch is not compared: for a run started through the API Spacelift
# reports "-" or the stack's tracked branch, never the pushed one. Which branch
# may sign which run type is enforced in GitHub, by the key's run types.
_token_problems contains [i, msg] if {
	some i, token in _verified
	not object.get(token.payload, "run_type", null) in token.key.run_types
	msg := sprintf(
		"key %s may not sign run type %s",
		[_quoted(token.kid), _claim_text(token.payload, "run_type")],
	)
}

_token_problems contains [i, "the run is a TASK without a command to bind the token to"] if {
	not _run_command
	some i, token in _verified
	token.payload.run_type == "TASK"
}

_token_problems contains [i, msg] if {
	some i, token in _verified
	token.payload.run_type == "TASK"
	digest := crypto.sha256(_run_command)
	not token.payload.command_sha256 == digest
	msg := sprintf(
		"token is for a command with sha256 %s, the run's command has sha256 %s",
		[_claim_text(token.payload, "command_sha256"), _quoted(digest)],
	)
}

_token_problems contains [i, "token has a command_sha256 claim, which only TASK tokens carry"] if {
	some i, token in _verified
	not token.payload.run_type == "TASK"
	object.get(token.payload, "command_sha256", null) != null
}

_token_problems contains [i, msg] if {
	some i, token in _verified
	required := object.get(token.key, "iss", null)
	required != null
	not object.get(token.payload, "iss", null) == required
	msg := sprintf("token issuer %s is not %s", [_claim_text(token.payload, "iss"), _quoted(required)])
}

# The tokens whose signature verifies under their kid's key and pinned
# algorithm, whatever the clock says.
_verified[i] := {"kid": _sent_headers[i].kid, "key": key, "payload": payload} if {
	some i, key in _candidate_keys
	_signature_valid(_candidate_tokens[i], key)
	payload := json.unmarshal(base64url.decode(split(_candidate_tokens[i], ".")[1]))
	is_object(payload)
}

_signature_valid(token, key) if {
	key.constraints.alg == "HS256"
	io.jwt.verify_hs256(token, key.constraints.secret)
}

_signature_valid(token, key) if {
	key.constraints.alg == "ES256"
	io.jwt.verify_es256(token, key.constraints.cert)
}

# A value as JSON, cut to _max_quoted_length characters.
_quoted(value) := text if {
	text := json.marshal(value)
	count(text) <= _max_quoted_length
}

_quoted(value) := concat("", [substring(json.marshal(value), 0, _max_quoted_length - 3), "..."]) if {
	count(json.marshal(value)) > _max_quoted_length
}

_claim_text(doc, name) := _quoted(doc[name])

_claim_text(doc, name) := "(missing)" if not name in object.keys(doc)
