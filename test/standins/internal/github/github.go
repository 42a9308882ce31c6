// Package github is the stand-in for the `github` Pulumi provider (@pulumi/github 6.15.0):
// the five resources the component uses, over a fake GitHub kept in a file.
// Errors read as the real provider reports GitHub's answers ("METHOD URL: STATUS MESSAGE []").
package github

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/signed-runs/standins/internal/pprov"
	"github.com/signed-runs/standins/internal/world"
)

// Version is the plugin version @pulumi/github 6.15.0 requests.
var Version = "6.15.0"

const (
	WorldEnv = "SIGNED_RUNS_FAKE_GITHUB"
	// FaultEnv holds fault rules, e.g. "create:ActionsSecret:2" (see world.ParseFaultRules).
	FaultEnv = "SIGNED_RUNS_FAKE_GITHUB_FAULTS"
	api      = "https://api.github.com"
)

type T = pprov.Type

var (
	str     = T{Kind: pprov.String}
	boolean = T{Kind: pprov.Bool}
	integer = T{Kind: pprov.Int}
	ints    = T{Kind: pprov.List, Elem: &integer}
)

// Provider returns the stand-in's definition.
func Provider() *pprov.Provider {
	return &pprov.Provider{
		Name:    "github",
		Version: Version,
		// ProviderArgs of @pulumi/github 6.15.0.
		ConfigKeys: []string{"appAuth", "baseUrl", "cachePath", "insecure", "legacyClient", "maxPerPage", "maxRetries", "organization", "owner", "parallelRequests", "readDelayMs", "retryDelayMs", "retryableErrors", "token", "writeDelayMs"},
		ConfigEnv:  map[string]string{"owner": "GITHUB_OWNER", "token": "GITHUB_TOKEN", "organization": "GITHUB_ORGANIZATION"},
		Resources:  []*pprov.Resource{actionsSecret(), actionsEnvironmentSecret(), repositoryFile(), repositoryEnvironment(), deploymentPolicy()},
	}
}

func store() (*world.Store[World], error) { return world.FromEnv[World](WorldEnv) }

// apiError is an error as go-github prints a GitHub answer.
func apiError(method, path string, status int, message string) error {
	return fmt.Errorf("%s %s%s: %d %s []", method, api, path, status, message)
}

func ownerOf(c *pprov.Call) (string, error) {
	owner := c.Config["owner"]
	if owner == "" {
		owner = c.Config["organization"]
	}
	if owner == "" {
		return "", fmt.Errorf("the github provider has no owner: set github:owner (or GITHUB_OWNER); the resources of the component take a repository name without the owner")
	}
	return owner, nil
}

func shortName(token string) string { return token[strings.LastIndex(token, ":")+1:] }

// transact runs one API operation on the fake world: it counts the call for
// fault injection (saved even when the call then fails) and applies fn.
func transact(c *pprov.Call, kind, method, path string, fn func(w *World, owner string) error) error {
	s, err := store()
	if err != nil {
		return err
	}
	owner, err := ownerOf(c)
	if err != nil {
		return err
	}
	rules, err := world.ParseFaultRules(os.Getenv(FaultEnv))
	if err != nil {
		return fmt.Errorf("%s: %w", FaultEnv, err)
	}
	if len(rules) > 0 {
		var fired *world.FaultRule
		if err := s.Update(func(w *World) error {
			if r, ok := w.Faults.Count(rules, kind, shortName(c.Token)); ok {
				fired = &r
			}
			return nil
		}); err != nil {
			return err
		}
		if fired != nil {
			return apiError(method, fmt.Sprintf(path, owner), 502, fmt.Sprintf("Bad Gateway (injected fault %s:%s:%d)", fired.Kind, fired.Resource, fired.N))
		}
	}
	if kind == "read" {
		return s.View(func(w *World) error { return fn(w, owner) })
	}
	return s.Update(func(w *World) error { return fn(w, owner) })
}

func findRepo(w *World, owner, name string) (*Repository, error) {
	r, ok := w.Repositories[owner+"/"+name]
	if !ok {
		return nil, apiError("GET", "/repos/"+owner+"/"+name, 404, "Not Found")
	}
	if r.Branches == nil {
		r.Branches = map[string]*Branch{}
	}
	if r.Secrets == nil {
		r.Secrets = map[string]*Secret{}
	}
	if r.Environments == nil {
		r.Environments = map[string]*Environment{}
	}
	return r, nil
}

func findEnv(r *Repository, name string) (*Environment, bool) {
	// GitHub environment names are case-insensitive.
	for k, e := range r.Environments {
		if strings.EqualFold(k, name) {
			if e.Secrets == nil {
				e.Secrets = map[string]*Secret{}
			}
			if e.BranchPolicies == nil {
				e.BranchPolicies = map[string]*BranchPolicy{}
			}
			return e, true
		}
	}
	return nil, false
}

func s(in pprov.Values, k string) string {
	v, _ := in[k].(string)
	return v
}

func b(in pprov.Values, k string, def bool) bool {
	if v, ok := in[k].(bool); ok {
		return v
	}
	return def
}

func n(in pprov.Values, k string) int {
	if v, ok := in[k].(float64); ok {
		return int(v)
	}
	return 0
}

func now() string { return time.Now().UTC().Format(time.RFC3339) }

func gitSha(kind, content string) string {
	h := sha1.Sum([]byte(fmt.Sprintf("%s %d\x00%s", kind, len(content), content)))
	return hex.EncodeToString(h[:])
}

func copyIn(in pprov.Values) pprov.Values {
	out := pprov.Values{}
	for k, v := range in {
		out[k] = v
	}
	return out
}

// ---- secrets ----

var secretValueKeys = []string{"value", "valueEncrypted", "plaintextValue", "encryptedValue"}

var secretName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func validateSecret(in pprov.Values) []pprov.Failure {
	var out []pprov.Failure
	if name, ok := in["secretName"].(string); ok {
		if !secretName.MatchString(name) {
			out = append(out, pprov.Failure{Property: "secretName", Reason: "Secret names can only contain alphanumeric characters or underscores and must not start with a number"})
		} else if strings.HasPrefix(strings.ToUpper(name), "GITHUB_") {
			out = append(out, pprov.Failure{Property: "secretName", Reason: "Secret names must not start with the GITHUB_ prefix"})
		}
	}
	var set []string
	for _, k := range secretValueKeys {
		if _, ok := in[k]; ok {
			set = append(set, k)
		}
	}
	switch {
	case len(set) == 0:
		out = append(out, pprov.Failure{Property: "value", Reason: "one of `encryptedValue,plaintextValue,value,valueEncrypted` must be specified"})
	case len(set) > 1:
		out = append(out, pprov.Failure{Property: set[1], Reason: fmt.Sprintf("only one of `encryptedValue,plaintextValue,value,valueEncrypted` can be specified, but `%s` were specified", strings.Join(set, ","))})
	}
	for _, k := range []string{"valueEncrypted", "encryptedValue"} {
		if v, ok := in[k].(string); ok {
			if _, err := base64.StdEncoding.DecodeString(v); err != nil {
				out = append(out, pprov.Failure{Property: k, Reason: k + " must be base64 (a libsodium sealed box for the repository's public key)"})
			}
		}
	}
	return out
}

// secretHash is what the fake GitHub keeps of a secret value.
func secretHash(in pprov.Values) string {
	for _, k := range secretValueKeys {
		if v, ok := in[k].(string); ok {
			h := sha256.Sum256([]byte(k + "\x00" + v))
			return hex.EncodeToString(h[:])
		}
	}
	return ""
}

func secretProps(env bool) []pprov.Prop {
	props := []pprov.Prop{
		{Name: "repository", Type: str, Required: true, ForceNew: true},
		{Name: "secretName", Type: str, Required: true, ForceNew: true},
		{Name: "value", Type: str},
		{Name: "valueEncrypted", Type: str},
		{Name: "plaintextValue", Type: str},
		{Name: "encryptedValue", Type: str},
		{Name: "keyId", Type: str},
	}
	if env {
		props = append(props, pprov.Prop{Name: "environment", Type: str, Required: true, ForceNew: true})
	} else {
		props = append(props, pprov.Prop{Name: "destroyOnDrift", Type: boolean})
	}
	return props
}

// secretOutputs are the state of a secret resource: the inputs without any value.
func secretOutputs(in pprov.Values, repoID int, sec *Secret) pprov.Values {
	out := copyIn(in)
	for _, k := range secretValueKeys {
		delete(out, k)
	}
	out["repositoryId"] = float64(repoID)
	out["createdAt"] = sec.CreatedAt
	out["updatedAt"] = sec.UpdatedAt
	out["remoteUpdatedAt"] = sec.UpdatedAt
	if _, ok := out["keyId"]; !ok {
		out["keyId"] = fmt.Sprintf("%d", repoID*7)
	}
	return out
}

// secretStore names the secrets map of the repository or its environment, or fails as GitHub does.
type secretStore func(w *World, owner string, in pprov.Values, method string) (map[string]*Secret, int, string, error)

func repoSecrets(w *World, owner string, in pprov.Values, method string) (map[string]*Secret, int, string, error) {
	repo := s(in, "repository")
	r, err := findRepo(w, owner, repo)
	if err != nil {
		return nil, 0, "", err
	}
	return r.Secrets, r.ID, fmt.Sprintf("/repos/%s/%s/actions/secrets/%s", owner, repo, strings.ToUpper(s(in, "secretName"))), nil
}

func envSecrets(w *World, owner string, in pprov.Values, method string) (map[string]*Secret, int, string, error) {
	repo, env := s(in, "repository"), s(in, "environment")
	r, err := findRepo(w, owner, repo)
	if err != nil {
		return nil, 0, "", err
	}
	e, ok := findEnv(r, env)
	if !ok {
		// The provider first fetches the environment's public key; GitHub answers 404 for a missing environment.
		return nil, 0, "", apiError("GET", fmt.Sprintf("/repos/%s/%s/environments/%s/secrets/public-key", owner, repo, url.PathEscape(env)), 404, "Not Found")
	}
	return e.Secrets, r.ID, fmt.Sprintf("/repos/%s/%s/environments/%s/secrets/%s", owner, repo, url.PathEscape(env), strings.ToUpper(s(in, "secretName"))), nil
}

func secretResource(token string, env bool, where secretStore) *pprov.Resource {
	id := func(in pprov.Values) string {
		if env {
			return s(in, "repository") + ":" + s(in, "environment") + ":" + s(in, "secretName")
		}
		return s(in, "repository") + ":" + s(in, "secretName")
	}
	// path is the secret's API path with %s for the owner.
	path := func(in pprov.Values) string {
		name := strings.ToUpper(s(in, "secretName"))
		if env {
			return fmt.Sprintf("/repos/%%s/%s/environments/%s/secrets/%s", s(in, "repository"), url.PathEscape(s(in, "environment")), name)
		}
		return fmt.Sprintf("/repos/%%s/%s/actions/secrets/%s", s(in, "repository"), name)
	}
	put := func(c *pprov.Call, kind string, in pprov.Values) (pprov.Values, error) {
		var out pprov.Values
		err := transact(c, kind, "PUT", path(in), func(w *World, owner string) error {
			secrets, repoID, _, err := where(w, owner, in, "PUT")
			if err != nil {
				return err
			}
			key := strings.ToUpper(s(in, "secretName")) // GitHub secret names are case-insensitive
			sec, ok := secrets[key]
			t := now()
			if !ok {
				sec = &Secret{CreatedAt: t}
				secrets[key] = sec
			}
			sec.ValueSHA256, sec.UpdatedAt = secretHash(in), t
			out = secretOutputs(in, repoID, sec)
			return nil
		})
		return out, err
	}
	return &pprov.Resource{
		Token:    token,
		Inputs:   secretProps(env),
		Validate: validateSecret,
		Defaults: func(in pprov.Values) {
			if !env {
				if _, ok := in["destroyOnDrift"]; !ok {
					in["destroyOnDrift"] = true
				}
			}
		},
		Computed: []string{"createdAt", "updatedAt", "remoteUpdatedAt", "repositoryId", "keyId"},
		Create: func(c *pprov.Call, in pprov.Values) (string, pprov.Values, error) {
			out, err := put(c, "create", in)
			return id(in), out, err
		},
		Update: func(c *pprov.Call, _ string, _, in, _ pprov.Values) (pprov.Values, error) {
			return put(c, "update", in)
		},
		Read: func(c *pprov.Call, _ string, in, state pprov.Values) (pprov.Values, pprov.Values, error) {
			var out pprov.Values
			err := transact(c, "read", "GET", path(in), func(w *World, owner string) error {
				secrets, repoID, _, err := where(w, owner, in, "GET")
				if err != nil {
					return nil // repository or environment gone: so is the secret
				}
				sec, ok := secrets[strings.ToUpper(s(in, "secretName"))]
				if !ok || sec.ValueSHA256 != secretHash(in) {
					return nil // gone, or changed outside Pulumi (drift): recreate it
				}
				out = secretOutputs(in, repoID, sec)
				return nil
			})
			return in, out, err
		},
		Delete: func(c *pprov.Call, _ string, in, _ pprov.Values) error {
			return transact(c, "delete", "DELETE", path(in), func(w *World, owner string) error {
				secrets, _, _, err := where(w, owner, in, "DELETE")
				if err != nil {
					return nil // already gone with its repository or environment
				}
				delete(secrets, strings.ToUpper(s(in, "secretName")))
				return nil
			})
		},
	}
}

func actionsSecret() *pprov.Resource {
	return secretResource("github:index/actionsSecret:ActionsSecret", false, repoSecrets)
}

func actionsEnvironmentSecret() *pprov.Resource {
	return secretResource("github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret", true, envSecrets)
}

// ---- files ----

func repositoryFile() *pprov.Resource {
	props := []pprov.Prop{
		{Name: "repository", Type: str, Required: true, ForceNew: true},
		{Name: "file", Type: str, Required: true, ForceNew: true},
		{Name: "content", Type: str, Required: true},
		{Name: "branch", Type: str, ForceNew: true},
		{Name: "commitMessage", Type: str},
		{Name: "commitAuthor", Type: str},
		{Name: "commitEmail", Type: str},
		{Name: "overwriteOnCreate", Type: boolean},
		{Name: "autocreateBranch", Type: boolean},
		{Name: "autocreateBranchSourceBranch", Type: str},
		{Name: "autocreateBranchSourceSha", Type: str},
	}
	write := func(c *pprov.Call, kind string, in pprov.Values, creating bool) (pprov.Values, error) {
		var out pprov.Values
		repo, path := s(in, "repository"), s(in, "file")
		err := transact(c, kind, "PUT", "/repos/%s/"+repo+"/contents/"+path, func(w *World, owner string) error {
			r, err := findRepo(w, owner, repo)
			if err != nil {
				return err
			}
			branch := s(in, "branch")
			if branch == "" {
				branch = r.DefaultBranch
			}
			br, ok := r.Branches[branch]
			if !ok {
				if !b(in, "autocreateBranch", false) {
					return apiError("GET", fmt.Sprintf("/repos/%s/%s/branches/%s", owner, repo, url.PathEscape(branch)), 404, "Branch not found")
				}
				source := s(in, "autocreateBranchSourceBranch")
				if source == "" {
					source = "main"
				}
				src, ok := r.Branches[source]
				if !ok {
					return apiError("GET", fmt.Sprintf("/repos/%s/%s/git/ref/heads/%s", owner, repo, url.PathEscape(source)), 404, "Not Found")
				}
				files := map[string]*File{}
				for k, f := range src.Files {
					cp := *f
					files[k] = &cp
				}
				br = &Branch{Head: src.Head, Files: files}
				r.Branches[branch] = br
			}
			if br.Files == nil {
				br.Files = map[string]*File{}
			}
			if _, exists := br.Files[path]; exists && creating && !b(in, "overwriteOnCreate", false) {
				return fmt.Errorf("refusing to overwrite existing file: configure `overwrite_on_create` to `true` to override")
			}
			message := s(in, "commitMessage")
			if message == "" {
				verb := "Update"
				if creating {
					verb = "Add"
				}
				message = verb + " " + path
			}
			content := s(in, "content")
			commit := gitSha("commit", br.Head+"\n"+path+"\n"+gitSha("blob", content)+"\n"+message)
			br.Head = commit
			br.Files[path] = &File{Content: content, Sha: gitSha("blob", content), CommitSha: commit, CommitMessage: message}
			out = fileOutputs(in, r, branch, br.Files[path])
			return nil
		})
		return out, err
	}
	return &pprov.Resource{
		Token:  "github:index/repositoryFile:RepositoryFile",
		Inputs: props,
		Validate: func(in pprov.Values) []pprov.Failure {
			if p, ok := in["file"].(string); ok && (p == "" || strings.HasPrefix(p, "/") || strings.Contains("/"+p+"/", "/../")) {
				return []pprov.Failure{{Property: "file", Reason: fmt.Sprintf("%q is not a path inside the repository", p)}}
			}
			return nil
		},
		Computed: []string{"commitSha", "sha", "ref", "repositoryId", "branch", "commitMessage", "commitAuthor", "commitEmail"},
		Create: func(c *pprov.Call, in pprov.Values) (string, pprov.Values, error) {
			out, err := write(c, "create", in, true)
			return s(in, "repository") + "/" + s(in, "file"), out, err
		},
		Update: func(c *pprov.Call, _ string, _, in, _ pprov.Values) (pprov.Values, error) {
			return write(c, "update", in, false)
		},
		Read: func(c *pprov.Call, _ string, in, state pprov.Values) (pprov.Values, pprov.Values, error) {
			var out pprov.Values
			newIn := copyIn(in)
			err := transact(c, "read", "GET", "/repos/%s/"+s(in, "repository"), func(w *World, owner string) error {
				r, err := findRepo(w, owner, s(in, "repository"))
				if err != nil {
					return nil
				}
				branch := s(state, "branch")
				br, ok := r.Branches[branch]
				if !ok {
					return nil
				}
				f, ok := br.Files[s(in, "file")]
				if !ok {
					return nil
				}
				newIn["content"] = f.Content // drift shows as a diff on the next up
				out = fileOutputs(newIn, r, branch, f)
				return nil
			})
			return newIn, out, err
		},
		Delete: func(c *pprov.Call, _ string, in, state pprov.Values) error {
			return transact(c, "delete", "DELETE", "/repos/%s/"+s(in, "repository")+"/contents/"+s(in, "file"), func(w *World, owner string) error {
				r, err := findRepo(w, owner, s(in, "repository"))
				if err != nil {
					return nil
				}
				branch := s(state, "branch")
				if br, ok := r.Branches[branch]; ok {
					if _, ok := br.Files[s(in, "file")]; ok {
						delete(br.Files, s(in, "file"))
						br.Head = gitSha("commit", br.Head+"\ndelete "+s(in, "file"))
					}
				}
				return nil
			})
		},
	}
}

func fileOutputs(in pprov.Values, r *Repository, branch string, f *File) pprov.Values {
	out := copyIn(in)
	out["branch"] = branch
	out["ref"] = branch
	out["sha"] = f.Sha
	out["commitSha"] = f.CommitSha
	out["commitMessage"] = f.CommitMessage
	out["repositoryId"] = float64(r.ID)
	if _, ok := out["overwriteOnCreate"]; !ok {
		out["overwriteOnCreate"] = false
	}
	return out
}

// ---- environments ----

func repositoryEnvironment() *pprov.Resource {
	reviewer := T{Kind: pprov.Object, Fields: []pprov.Prop{{Name: "teams", Type: ints}, {Name: "users", Type: ints}}}
	policy := T{Kind: pprov.Object, Fields: []pprov.Prop{{Name: "customBranchPolicies", Type: boolean, Required: true}, {Name: "protectedBranches", Type: boolean, Required: true}}}
	props := []pprov.Prop{
		{Name: "repository", Type: str, Required: true, ForceNew: true},
		{Name: "environment", Type: str, Required: true, ForceNew: true},
		{Name: "waitTimer", Type: integer},
		{Name: "canAdminsBypass", Type: boolean},
		{Name: "preventSelfReview", Type: boolean},
		{Name: "reviewers", Type: T{Kind: pprov.List, Elem: &reviewer}},
		{Name: "deploymentBranchPolicy", Type: policy},
	}
	put := func(c *pprov.Call, kind string, in pprov.Values) (pprov.Values, error) {
		var out pprov.Values
		repo, name := s(in, "repository"), s(in, "environment")
		path := fmt.Sprintf("/repos/%%s/%s/environments/%s", repo, url.PathEscape(name))
		err := transact(c, kind, "PUT", path, func(w *World, owner string) error {
			r, err := findRepo(w, owner, repo)
			if err != nil {
				return err
			}
			full := fmt.Sprintf(path, owner)
			var reviewers []Reviewer
			if list, ok := in["reviewers"].([]any); ok {
				for _, item := range list {
					m, _ := item.(map[string]any)
					for _, kind := range []string{"users", "teams"} {
						ids, _ := m[kind].([]any)
						for _, v := range ids {
							id := int(v.(float64))
							known := w.Users
							typ := "User"
							if kind == "teams" {
								known, typ = w.Teams, "Team"
							}
							if len(known) > 0 && !containsInt(known, id) {
								return apiError("PUT", full, 422, fmt.Sprintf("Validation Failed: reviewer %s %d does not exist or has no access to the repository", typ, id))
							}
							reviewers = append(reviewers, Reviewer{Type: typ, ID: id})
						}
					}
				}
			}
			if len(reviewers) > 6 {
				return apiError("PUT", full, 422, fmt.Sprintf("Validation Failed: an environment can have up to 6 required reviewers, got %d", len(reviewers)))
			}
			wait := n(in, "waitTimer")
			if wait < 0 || wait > 43200 {
				return apiError("PUT", full, 422, "Validation Failed: wait_timer must be between 0 and 43200 minutes")
			}
			var dbp *DeploymentBranchPolicy
			if m, ok := in["deploymentBranchPolicy"].(map[string]any); ok {
				dbp = &DeploymentBranchPolicy{ProtectedBranches: b(m, "protectedBranches", false), CustomBranchPolicies: b(m, "customBranchPolicies", false)}
				if dbp.ProtectedBranches == dbp.CustomBranchPolicies {
					return apiError("PUT", full, 422, "Validation Failed: exactly one of protected_branches and custom_branch_policies must be true")
				}
			}
			e, ok := findEnv(r, name)
			if !ok {
				e = &Environment{ID: w.nextID(), Secrets: map[string]*Secret{}, BranchPolicies: map[string]*BranchPolicy{}}
				r.Environments[name] = e
			}
			if dbp == nil || !dbp.CustomBranchPolicies {
				// Leaving custom branch policies drops the environment's policies, as GitHub does.
				e.BranchPolicies = map[string]*BranchPolicy{}
			}
			e.WaitTimer, e.CanAdminsBypass, e.PreventSelfReview = wait, b(in, "canAdminsBypass", true), b(in, "preventSelfReview", false)
			e.Reviewers, e.DeploymentBranchPolicy = reviewers, dbp
			out = copyIn(in)
			out["repositoryId"] = float64(r.ID)
			return nil
		})
		return out, err
	}
	return &pprov.Resource{
		Token:  "github:index/repositoryEnvironment:RepositoryEnvironment",
		Inputs: props,
		Validate: func(in pprov.Values) []pprov.Failure {
			if name, ok := in["environment"].(string); ok && (name == "" || len(name) > 255) {
				return []pprov.Failure{{Property: "environment", Reason: "an environment name has 1 to 255 characters"}}
			}
			return nil
		},
		Defaults: func(in pprov.Values) {
			if _, ok := in["canAdminsBypass"]; !ok {
				in["canAdminsBypass"] = true
			}
			if _, ok := in["preventSelfReview"]; !ok {
				in["preventSelfReview"] = false
			}
		},
		Computed: []string{"repositoryId"},
		Create: func(c *pprov.Call, in pprov.Values) (string, pprov.Values, error) {
			out, err := put(c, "create", in)
			return s(in, "repository") + ":" + s(in, "environment"), out, err
		},
		Update: func(c *pprov.Call, _ string, _, in, _ pprov.Values) (pprov.Values, error) {
			return put(c, "update", in)
		},
		Read: func(c *pprov.Call, _ string, in, state pprov.Values) (pprov.Values, pprov.Values, error) {
			var out pprov.Values
			err := transact(c, "read", "GET", "/repos/%s/"+s(in, "repository"), func(w *World, owner string) error {
				r, err := findRepo(w, owner, s(in, "repository"))
				if err != nil {
					return nil
				}
				if _, ok := findEnv(r, s(in, "environment")); ok {
					out = copyIn(state)
				}
				return nil
			})
			return in, out, err
		},
		Delete: func(c *pprov.Call, _ string, in, _ pprov.Values) error {
			return transact(c, "delete", "DELETE", "/repos/%s/"+s(in, "repository"), func(w *World, owner string) error {
				r, err := findRepo(w, owner, s(in, "repository"))
				if err != nil {
					return nil
				}
				for k := range r.Environments {
					if strings.EqualFold(k, s(in, "environment")) {
						delete(r.Environments, k) // its secrets and branch policies go with it
					}
				}
				return nil
			})
		},
	}
}

func containsInt(list []int, v int) bool {
	for _, e := range list {
		if e == v {
			return true
		}
	}
	return false
}

func deploymentPolicy() *pprov.Resource {
	props := []pprov.Prop{
		{Name: "repository", Type: str, Required: true, ForceNew: true},
		{Name: "environment", Type: str, Required: true, ForceNew: true},
		{Name: "branchPattern", Type: str},
		{Name: "tagPattern", Type: str},
	}
	pattern := func(in pprov.Values) (string, string) {
		if p := s(in, "tagPattern"); p != "" {
			return p, "tag"
		}
		return s(in, "branchPattern"), "branch"
	}
	write := func(c *pprov.Call, kind string, in pprov.Values, policyID string) (pprov.Values, error) {
		var out pprov.Values
		repo, env := s(in, "repository"), s(in, "environment")
		path := fmt.Sprintf("/repos/%%s/%s/environments/%s/deployment-branch-policies", repo, url.PathEscape(env))
		method := "POST"
		if policyID != "" {
			method, path = "PUT", path+"/"+policyID
		}
		err := transact(c, kind, method, path, func(w *World, owner string) error {
			full := fmt.Sprintf(path, owner)
			r, err := findRepo(w, owner, repo)
			if err != nil {
				return err
			}
			e, ok := findEnv(r, env)
			// GitHub answers 404 both for a missing environment and for one whose
			// deployment branch policy is not "custom branch policies".
			if !ok || e.DeploymentBranchPolicy == nil || !e.DeploymentBranchPolicy.CustomBranchPolicies {
				return apiError(method, full, 404, "Not Found")
			}
			name, typ := pattern(in)
			for id, p := range e.BranchPolicies {
				if id != policyID && p.Name == name && p.Type == typ {
					return apiError(method, full, 303, "See Other: a deployment branch policy with this name pattern exists already")
				}
			}
			if policyID == "" {
				policyID = strconv.Itoa(w.nextID())
			} else if _, ok := e.BranchPolicies[policyID]; !ok {
				return apiError(method, full, 404, "Not Found")
			}
			e.BranchPolicies[policyID] = &BranchPolicy{Name: name, Type: typ}
			out = copyIn(in)
			id, _ := strconv.Atoi(policyID)
			out["policyId"] = float64(id)
			out["repositoryId"] = float64(r.ID)
			return nil
		})
		return out, err
	}
	return &pprov.Resource{
		Token:  "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy",
		Inputs: props,
		Validate: func(in pprov.Values) []pprov.Failure {
			_, hasBranch := in["branchPattern"]
			_, hasTag := in["tagPattern"]
			switch {
			case hasBranch && hasTag:
				return []pprov.Failure{{Property: "tagPattern", Reason: "only one of `branchPattern,tagPattern` can be specified"}}
			case !hasBranch && !hasTag:
				return []pprov.Failure{{Property: "branchPattern", Reason: "one of `branchPattern,tagPattern` must be specified"}}
			}
			return nil
		},
		Computed: []string{"policyId", "repositoryId"},
		Create: func(c *pprov.Call, in pprov.Values) (string, pprov.Values, error) {
			out, err := write(c, "create", in, "")
			if err != nil {
				return "", nil, err
			}
			return fmt.Sprintf("%s:%s:%d", s(in, "repository"), s(in, "environment"), n(out, "policyId")), out, nil
		},
		Update: func(c *pprov.Call, _ string, _, in, state pprov.Values) (pprov.Values, error) {
			return write(c, "update", in, strconv.Itoa(n(state, "policyId")))
		},
		Read: func(c *pprov.Call, _ string, in, state pprov.Values) (pprov.Values, pprov.Values, error) {
			var out pprov.Values
			err := transact(c, "read", "GET", "/repos/%s/"+s(in, "repository"), func(w *World, owner string) error {
				r, err := findRepo(w, owner, s(in, "repository"))
				if err != nil {
					return nil
				}
				if e, ok := findEnv(r, s(in, "environment")); ok {
					if _, ok := e.BranchPolicies[strconv.Itoa(n(state, "policyId"))]; ok {
						out = copyIn(state)
					}
				}
				return nil
			})
			return in, out, err
		},
		Delete: func(c *pprov.Call, _ string, in, state pprov.Values) error {
			return transact(c, "delete", "DELETE", "/repos/%s/"+s(in, "repository"), func(w *World, owner string) error {
				r, err := findRepo(w, owner, s(in, "repository"))
				if err != nil {
					return nil
				}
				if e, ok := findEnv(r, s(in, "environment")); ok {
					delete(e.BranchPolicies, strconv.Itoa(n(state, "policyId")))
				}
				return nil
			})
		},
	}
}

// SortedRepos lists the repositories of a world, for reports.
func (w *World) SortedRepos() []string {
	var out []string
	for k := range w.Repositories {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
