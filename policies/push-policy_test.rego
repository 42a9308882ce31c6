# Tests live beside the policy they test (.regal/config.yaml lets their package
# name differ from the directory's).
package spacelift_push_test

import rego.v1

import data.spacelift

test_push_ignored if {
	spacelift.ignore with input as {"push": {
		"branch": "main",
		"hash": "4f1c2a9e8d7b6c5a4f3e2d1c0b9a8f7e6d5c4b3a",
		"affected_files": ["main.ts"],
	}}
}

test_pull_request_ignored if {
	spacelift.ignore with input as {"pull_request": {"action": "opened", "head": {"branch": "feature"}}}
}

test_empty_event_ignored if {
	spacelift.ignore with input as {}
}
