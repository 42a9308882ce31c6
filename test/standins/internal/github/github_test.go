package github

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"

	"github.com/signed-runs/standins/internal/pprov"
	"github.com/signed-runs/standins/internal/testutil"
	"github.com/signed-runs/standins/internal/world"
)

const (
	tokSecret    = "github:index/actionsSecret:ActionsSecret"
	tokEnvSecret = "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret"
	tokFile      = "github:index/repositoryFile:RepositoryFile"
	tokEnv       = "github:index/repositoryEnvironment:RepositoryEnvironment"
	tokPolicy    = "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy"
	secretValue  = "s3cr3t-value-that-must-never-show"
)

func setup(t *testing.T) (*testutil.Engine, string) {
	path := filepath.Join(t.TempDir(), "github.json")
	t.Setenv(WorldEnv, path)
	t.Setenv(FaultEnv, "")
	st := &world.Store[World]{Path: path}
	if err := st.Update(func(w *World) error { w.Seed("acme/infra", "main", "staging"); return nil }); err != nil {
		t.Fatal(err)
	}
	e := &testutil.Engine{T: t, S: pprov.NewServer(Provider())}
	e.Configure(map[string]any{"owner": "acme"})
	return e, path
}

func load(t *testing.T, path string) *World {
	t.Helper()
	var w World
	if err := (&world.Store[World]{Path: path}).View(func(x *World) error { w = *x; return nil }); err != nil {
		t.Fatal(err)
	}
	return &w
}

func TestSecretKeepsOnlyAHashAndNoValueInOutputs(t *testing.T) {
	e, path := setup(t)
	r, err := e.Create(tokSecret, map[string]any{"repository": "infra", "secretName": "SIGNING_KEY", "value": secretValue})
	if err != nil {
		t.Fatal(err)
	}
	state, _ := json.Marshal(testutil.Map(r.State).Mappable())
	raw, _ := os.ReadFile(path)
	for what, text := range map[string]string{"outputs": string(state), "world": string(raw)} {
		if strings.Contains(text, secretValue) {
			t.Fatalf("the secret value appears in the %s: %s", what, text)
		}
	}
	sec := load(t, path).Repositories["acme/infra"].Secrets["SIGNING_KEY"]
	if sec == nil || len(sec.ValueSHA256) != 64 {
		t.Fatalf("the fake GitHub holds no hash for the secret: %+v", sec)
	}
	if d := e.Diff(r, map[string]any{"repository": "infra", "secretName": "SIGNING_KEY", "value": secretValue}); d.Changes != pulumirpc.DiffResponse_DIFF_NONE {
		t.Fatalf("same inputs should not differ: %v", d)
	}
	d := e.Diff(r, map[string]any{"repository": "infra", "secretName": "SIGNING_KEY", "value": "other"})
	if d.Changes != pulumirpc.DiffResponse_DIFF_SOME || len(d.Replaces) != 0 {
		t.Fatalf("a new value is an in-place update: %v", d)
	}
	d = e.Diff(r, map[string]any{"repository": "other", "secretName": "SIGNING_KEY", "value": secretValue})
	if len(d.Replaces) != 1 || d.Replaces[0] != "repository" {
		t.Fatalf("a new repository forces a replacement: %v", d)
	}
	if err := e.Delete(r); err != nil {
		t.Fatal(err)
	}
	if !load(t, path).IsEmpty() {
		t.Fatal("delete left the secret behind")
	}
}

func TestCheckRejectsMisspelledMistypedAndMissingProperties(t *testing.T) {
	e, _ := setup(t)
	cases := map[string]map[string]any{
		"secretNme":  {"repository": "infra", "secretNme": "A", "value": "x"},
		"secretName": {"repository": "infra", "value": "x"},
		"repository": {"repository": 42, "secretName": "A", "value": "x"},
	}
	for prop, in := range cases {
		_, failures := e.Check(tokSecret, in)
		if len(failures) == 0 || failures[0].Property != prop {
			t.Errorf("%v: want a failure on %s, got %v", in, prop, failures)
		}
	}
	_, failures := e.Check(tokSecret, map[string]any{"repository": "infra", "secretName": "GITHUB_X", "value": "x"})
	if len(failures) != 1 || !strings.Contains(failures[0].Reason, "GITHUB_") {
		t.Errorf("GITHUB_ prefix: %v", failures)
	}
	_, failures = e.Check(tokEnv, map[string]any{"repository": "infra", "environment": "e", "deploymentBranchPolicy": map[string]any{"customBranchPolicies": "yes", "protectedBranches": false}})
	if len(failures) != 1 || failures[0].Property != "deploymentBranchPolicy.customBranchPolicies" {
		t.Errorf("nested type: %v", failures)
	}
	_, failures = e.Check(tokEnv, map[string]any{"repository": "infra", "environment": "e", "reviewers": []any{map[string]any{"user": []any{1.0}}}})
	if len(failures) != 1 || !strings.Contains(failures[0].Property, "reviewers[0].user") {
		t.Errorf("nested name: %v", failures)
	}
}

func TestMissingRepositoryBranchAndEnvironmentFailAsGitHubDoes(t *testing.T) {
	e, _ := setup(t)
	_, err := e.Create(tokFile, map[string]any{"repository": "nope", "file": "a.yml", "content": "x"})
	if err == nil || !strings.Contains(err.Error(), "GET https://api.github.com/repos/acme/nope: 404 Not Found") {
		t.Fatalf("missing repository: %v", err)
	}
	_, err = e.Create(tokFile, map[string]any{"repository": "infra", "file": "a.yml", "content": "x", "branch": "feature"})
	if err == nil || !strings.Contains(err.Error(), "/branches/feature: 404 Branch not found") {
		t.Fatalf("missing branch: %v", err)
	}
	_, err = e.Create(tokEnvSecret, map[string]any{"repository": "infra", "environment": "prod", "secretName": "K", "value": "v"})
	if err == nil || !strings.Contains(err.Error(), "/environments/prod/secrets/public-key: 404 Not Found") {
		t.Fatalf("missing environment: %v", err)
	}
}

func TestFileOnTheDefaultBranchAndOverwriteRule(t *testing.T) {
	e, path := setup(t)
	in := map[string]any{"repository": "infra", "file": ".github/workflows/a.yml", "content": "on: push\n"}
	r, err := e.Create(tokFile, in)
	if err != nil {
		t.Fatal(err)
	}
	f := load(t, path).Repositories["acme/infra"].Branches["main"].Files[".github/workflows/a.yml"]
	if f == nil || f.Content != "on: push\n" {
		t.Fatalf("file not committed to the default branch: %+v", f)
	}
	if _, err := e.Create(tokFile, in); err == nil || !strings.Contains(err.Error(), "overwrite_on_create") {
		t.Fatalf("an existing file is not overwritten without overwriteOnCreate: %v", err)
	}
	if d := e.Diff(r, map[string]any{"repository": "infra", "file": ".github/workflows/a.yml", "content": "on: pull_request\n"}); len(d.Replaces) != 0 || d.Changes != pulumirpc.DiffResponse_DIFF_SOME {
		t.Fatalf("content is updated in place: %v", d)
	}
	if d := e.Diff(r, map[string]any{"repository": "infra", "file": ".github/workflows/a.yml", "content": "on: push\n", "branch": "staging"}); len(d.Replaces) != 1 {
		t.Fatalf("another branch replaces: %v", d)
	}
	if err := e.Update(r, map[string]any{"repository": "infra", "file": ".github/workflows/a.yml", "content": "v2"}); err != nil {
		t.Fatal(err)
	}
	if got := load(t, path).Repositories["acme/infra"].Branches["main"].Files[".github/workflows/a.yml"].Content; got != "v2" {
		t.Fatalf("update: %q", got)
	}
	if err := e.Delete(r); err != nil {
		t.Fatal(err)
	}
	if !load(t, path).IsEmpty() {
		t.Fatal("file left behind")
	}
}

func TestEnvironmentPolicyAndEnvironmentSecret(t *testing.T) {
	e, path := setup(t)
	env, err := e.Create(tokEnv, map[string]any{"repository": "infra", "environment": "spacelift-main", "preventSelfReview": true,
		"reviewers":              []any{map[string]any{"users": []any{7.0}, "teams": []any{9.0}}},
		"deploymentBranchPolicy": map[string]any{"protectedBranches": true, "customBranchPolicies": false}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.Create(tokPolicy, map[string]any{"repository": "infra", "environment": "spacelift-main", "branchPattern": "main"})
	if err == nil || !strings.Contains(err.Error(), "deployment-branch-policies: 404 Not Found") {
		t.Fatalf("a branch policy needs custom branch policies: %v", err)
	}
	custom := map[string]any{"repository": "infra", "environment": "spacelift-main", "preventSelfReview": true,
		"deploymentBranchPolicy": map[string]any{"protectedBranches": false, "customBranchPolicies": true}}
	if err := e.Update(env, custom); err != nil {
		t.Fatal(err)
	}
	pol, err := e.Create(tokPolicy, map[string]any{"repository": "infra", "environment": "spacelift-main", "branchPattern": "main"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Create(tokPolicy, map[string]any{"repository": "infra", "environment": "spacelift-main", "branchPattern": "main"}); err == nil || !strings.Contains(err.Error(), "303") {
		t.Fatalf("duplicate pattern: %v", err)
	}
	sec, err := e.Create(tokEnvSecret, map[string]any{"repository": "infra", "environment": "spacelift-main", "secretName": "TRACKED_KEY", "value": secretValue})
	if err != nil {
		t.Fatal(err)
	}
	w := load(t, path)
	ev := w.Repositories["acme/infra"].Environments["spacelift-main"]
	if len(ev.BranchPolicies) != 1 || ev.Secrets["TRACKED_KEY"] == nil || !ev.PreventSelfReview {
		t.Fatalf("environment: %+v", ev)
	}
	_, err = e.Create(tokEnv, map[string]any{"repository": "infra", "environment": "both", "deploymentBranchPolicy": map[string]any{"protectedBranches": true, "customBranchPolicies": true}})
	if err == nil || !strings.Contains(err.Error(), "422") {
		t.Fatalf("both policies: %v", err)
	}
	for _, r := range []*testutil.Resource{sec, pol, env} {
		if err := e.Delete(r); err != nil {
			t.Fatal(err)
		}
	}
	if !load(t, path).IsEmpty() {
		t.Fatalf("left behind: %+v", load(t, path).Repositories["acme/infra"])
	}
}

func TestFaultFiresOnceOnTheNthCall(t *testing.T) {
	e, path := setup(t)
	t.Setenv(FaultEnv, "create:ActionsSecret:2")
	mk := func(name string) error {
		_, err := e.Create(tokSecret, map[string]any{"repository": "infra", "secretName": name, "value": "v"})
		return err
	}
	if err := mk("A"); err != nil {
		t.Fatal(err)
	}
	if err := mk("B"); err == nil || !strings.Contains(err.Error(), "PUT https://api.github.com/repos/acme/infra/actions/secrets/B: 502") {
		t.Fatalf("second create should fail: %v", err)
	}
	if err := mk("B"); err != nil {
		t.Fatalf("the fault fires once: %v", err)
	}
	if n := len(load(t, path).Repositories["acme/infra"].Secrets); n != 2 {
		t.Fatalf("want 2 secrets, got %d", n)
	}
}

func TestReadNoticesDeletionAndDrift(t *testing.T) {
	e, path := setup(t)
	r, err := e.Create(tokSecret, map[string]any{"repository": "infra", "secretName": "A", "value": "v"})
	if err != nil {
		t.Fatal(err)
	}
	if resp := e.Read(r); resp.Id == "" {
		t.Fatal("an existing secret reads as gone")
	}
	st := &world.Store[World]{Path: path}
	_ = st.Update(func(w *World) error { w.Repositories["acme/infra"].Secrets["A"].ValueSHA256 = "changed"; return nil })
	if resp := e.Read(r); resp.Id != "" {
		t.Fatal("a secret changed outside Pulumi should read as gone (destroyOnDrift)")
	}
}

func TestMissingOwner(t *testing.T) {
	e, _ := setup(t)
	t.Setenv("GITHUB_OWNER", "")
	e.Configure(map[string]any{})
	_, err := e.Create(tokSecret, map[string]any{"repository": "infra", "secretName": "A", "value": "v"})
	if err == nil || !strings.Contains(err.Error(), "github:owner") {
		t.Fatalf("no owner: %v", err)
	}
}
