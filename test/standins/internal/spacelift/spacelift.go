// Package spacelift is the stand-in for Spacelift's Terraform provider
// (spacelift-io/spacelift): the schema of spacelift_policy,
// spacelift_policy_attachment, spacelift_worker_pool and spacelift_stack as
// the official provider documents it, over a fake Spacelift kept in a file.
package spacelift

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strings"

	"github.com/signed-runs/standins/internal/tfprov"
	"github.com/signed-runs/standins/internal/world"
)

const (
	WorldEnv = "SIGNED_RUNS_FAKE_SPACELIFT"
	// FaultEnv holds fault rules, e.g. "create:spacelift_policy:1".
	FaultEnv = "SIGNED_RUNS_FAKE_SPACELIFT_FAULTS"
)

// World is the fake Spacelift account.
type World struct {
	NextID int `json:"nextId"`
	// Spaces that exist; when empty, only "root".
	Spaces      []string               `json:"spaces,omitempty"`
	Policies    map[string]*Policy     `json:"policies"`
	Stacks      map[string]*Stack      `json:"stacks"`
	WorkerPools map[string]*WorkerPool `json:"workerPools"`
	Attachments map[string]*Attachment `json:"attachments"`
	Faults      world.Faults           `json:"faults"`
}

type Policy struct {
	Name        string   `json:"name"`
	Type        string   `json:"type"`
	EngineType  string   `json:"engineType"`
	Body        string   `json:"body"`
	Description string   `json:"description,omitempty"`
	Labels      []string `json:"labels,omitempty"`
	SpaceID     string   `json:"spaceId"`
}

// Stack keeps the attributes it was given; Seeded stacks were made by a test (they exist "already").
type Stack struct {
	Name         string         `json:"name"`
	Repository   string         `json:"repository"`
	Branch       string         `json:"branch"`
	SpaceID      string         `json:"spaceId"`
	WorkerPoolID string         `json:"workerPoolId,omitempty"`
	Protected    bool           `json:"protectFromDeletion,omitempty"`
	Seeded       bool           `json:"seeded,omitempty"`
	Attributes   map[string]any `json:"attributes,omitempty"`
}

// WorkerPool keeps hashes of its credentials, never the credentials.
type WorkerPool struct {
	Name          string   `json:"name"`
	Description   string   `json:"description,omitempty"`
	Labels        []string `json:"labels,omitempty"`
	SpaceID       string   `json:"spaceId"`
	CSRSHA256     string   `json:"csrSha256,omitempty"`
	ConfigSHA256  string   `json:"configSha256"`
	DriftLimit    float64  `json:"driftDetectionRunLimit,omitempty"`
	PublicKeyPEM  string   `json:"publicKeyPem"`
	TokenResetNum int      `json:"tokenResets"`
}

type Attachment struct {
	PolicyID string `json:"policyId"`
	StackID  string `json:"stackId,omitempty"`
	ModuleID string `json:"moduleId,omitempty"`
}

// IsEmpty is true when only seeded stacks remain.
func (w *World) IsEmpty() bool {
	for _, s := range w.Stacks {
		if !s.Seeded {
			return false
		}
	}
	return len(w.Policies) == 0 && len(w.WorkerPools) == 0 && len(w.Attachments) == 0
}

// SeedStack adds a stack that exists before any program runs.
func (w *World) SeedStack(id, repository, branch string) {
	w.init()
	w.Stacks[id] = &Stack{Name: id, Repository: repository, Branch: branch, SpaceID: "root", Seeded: true}
}

func (w *World) init() {
	if w.Policies == nil {
		w.Policies = map[string]*Policy{}
	}
	if w.Stacks == nil {
		w.Stacks = map[string]*Stack{}
	}
	if w.WorkerPools == nil {
		w.WorkerPools = map[string]*WorkerPool{}
	}
	if w.Attachments == nil {
		w.Attachments = map[string]*Attachment{}
	}
}

// ulid-like ids, as Spacelift gives policies and pools.
func (w *World) newID() string {
	w.NextID++
	return fmt.Sprintf("01HSTANDIN%016X", w.NextID)
}

func (w *World) spaceExists(id string) bool {
	if len(w.Spaces) == 0 {
		return id == "root"
	}
	for _, s := range w.Spaces {
		if s == id {
			return true
		}
	}
	return false
}

func (w *World) defaultSpace() string {
	if w.spaceExists("legacy") {
		return "legacy"
	}
	return "root"
}

func transact(kind, resource string, fn func(w *World) error) error {
	st, err := world.FromEnv[World](WorldEnv)
	if err != nil {
		return err
	}
	rules, err := world.ParseFaultRules(os.Getenv(FaultEnv))
	if err != nil {
		return fmt.Errorf("%s: %w", FaultEnv, err)
	}
	if len(rules) > 0 {
		var fired *world.FaultRule
		if err := st.Update(func(w *World) error {
			if r, ok := w.Faults.Count(rules, kind, resource); ok {
				fired = &r
			}
			return nil
		}); err != nil {
			return err
		}
		if fired != nil {
			return fmt.Errorf("unexpected HTTP status 502 Bad Gateway from the Spacelift API (injected fault %s:%s:%d)", fired.Kind, fired.Resource, fired.N)
		}
	}
	update := func(w *World) error { w.init(); return fn(w) }
	if kind == "read" {
		return st.View(update)
	}
	return st.Update(update)
}

func str(v tfprov.Values, k string) string { s, _ := v[k].(string); return s }

func strs(v tfprov.Values, k string) []string {
	var out []string
	if l, ok := v[k].([]any); ok {
		for _, e := range l {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
	}
	sort.Strings(out)
	return out
}

func labels(l []string) any {
	if len(l) == 0 {
		return nil
	}
	out := []any{}
	for _, s := range l {
		out = append(out, s)
	}
	return out
}

func copyVals(v tfprov.Values) tfprov.Values {
	out := tfprov.Values{}
	for k, e := range v {
		out[k] = e
	}
	return out
}

// Provider is the stand-in's definition.
func Provider() *tfprov.Provider {
	return &tfprov.Provider{
		ConfigAttrs: []tfprov.Attr{
			{Name: "api_key_endpoint", Kind: tfprov.String, Optional: true},
			{Name: "api_key_id", Kind: tfprov.String, Optional: true},
			{Name: "api_key_secret", Kind: tfprov.String, Optional: true, Sensitive: true},
			{Name: "api_token", Kind: tfprov.String, Optional: true, Sensitive: true},
		},
		Configure: configure,
		Resources: []*tfprov.Resource{policy(), policyAttachment(), workerPool(), stack()},
	}
}

// configure needs credentials, as the real provider does: a token, or an endpoint with a key id and secret
// (from the configuration or SPACELIFT_API_KEY_* variables).
func configure(cfg tfprov.Values) error {
	get := func(attr, env string) string {
		if v := str(cfg, attr); v != "" {
			return v
		}
		return os.Getenv(env)
	}
	if get("api_token", "SPACELIFT_API_TOKEN") != "" {
		return nil
	}
	endpoint := get("api_key_endpoint", "SPACELIFT_API_KEY_ENDPOINT")
	if endpoint == "" {
		endpoint = os.Getenv("SPACELIFT_API_ENDPOINT")
	}
	id, secret := get("api_key_id", "SPACELIFT_API_KEY_ID"), get("api_key_secret", "SPACELIFT_API_KEY_SECRET")
	if endpoint == "" || id == "" || secret == "" {
		return fmt.Errorf("could not build the Spacelift client: set api_token, or api_key_endpoint, api_key_id and api_key_secret (or SPACELIFT_API_KEY_ENDPOINT, SPACELIFT_API_KEY_ID and SPACELIFT_API_KEY_SECRET)")
	}
	u, err := url.Parse(endpoint)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return fmt.Errorf("api_key_endpoint %q is not an https URL", endpoint)
	}
	return nil
}

// ---- spacelift_policy ----

var policyTypes = []string{"ACCESS", "APPROVAL", "GIT_PUSH", "INITIALIZATION", "INTENT", "LOGIN", "PLAN", "TASK", "TRIGGER", "NOTIFICATION", "STACK_ACCESS", "TASK_RUN", "TERRAFORM_PLAN"}

func policy() *tfprov.Resource {
	write := func(w *World, id string, v tfprov.Values) (tfprov.Values, error) {
		for other, p := range w.Policies {
			if other != id && p.Name == str(v, "name") {
				return nil, fmt.Errorf("could not create policy: a policy named %q exists already", p.Name)
			}
		}
		space := str(v, "space_id")
		if space == "" {
			space = w.defaultSpace()
		}
		if !w.spaceExists(space) {
			return nil, fmt.Errorf("could not create policy: space %q not found", space)
		}
		w.Policies[id] = &Policy{Name: str(v, "name"), Type: str(v, "type"), EngineType: str(v, "engine_type"), Body: str(v, "body"), Description: str(v, "description"), Labels: strs(v, "labels"), SpaceID: space}
		out := copyVals(v)
		out["id"], out["space_id"] = id, space
		return out, nil
	}
	return &tfprov.Resource{
		Name: "spacelift_policy",
		Attrs: []tfprov.Attr{
			{Name: "body", Kind: tfprov.String, Required: true},
			{Name: "name", Kind: tfprov.String, Required: true},
			{Name: "type", Kind: tfprov.String, Required: true, ForceNew: true, OneOf: policyTypes},
			{Name: "description", Kind: tfprov.String, Optional: true},
			{Name: "engine_type", Kind: tfprov.String, Optional: true, Default: "REGO_V0", OneOf: []string{"REGO_V0", "REGO_V1"}},
			{Name: "labels", Kind: tfprov.SetOfString, Optional: true},
			{Name: "space_id", Kind: tfprov.String, Optional: true, Computed: true},
		},
		Create: func(_ context.Context, v tfprov.Values) (out tfprov.Values, err error) {
			err = transact("create", "spacelift_policy", func(w *World) error {
				out, err = write(w, w.newID(), v)
				return err
			})
			return
		},
		Update: func(_ context.Context, prior, v tfprov.Values) (out tfprov.Values, err error) {
			err = transact("update", "spacelift_policy", func(w *World) error {
				if _, ok := w.Policies[str(prior, "id")]; !ok {
					return fmt.Errorf("could not update policy: policy %q not found", str(prior, "id"))
				}
				out, err = write(w, str(prior, "id"), v)
				return err
			})
			return
		},
		Read: func(_ context.Context, state tfprov.Values) (out tfprov.Values, err error) {
			err = transact("read", "spacelift_policy", func(w *World) error {
				p, ok := w.Policies[str(state, "id")]
				if !ok {
					return nil
				}
				out = copyVals(state)
				out["name"], out["type"], out["engine_type"], out["body"], out["space_id"], out["labels"] = p.Name, p.Type, p.EngineType, p.Body, p.SpaceID, labels(p.Labels)
				if p.Description != "" {
					out["description"] = p.Description
				}
				return nil
			})
			return
		},
		Delete: func(_ context.Context, prior tfprov.Values) error {
			return transact("delete", "spacelift_policy", func(w *World) error {
				id := str(prior, "id")
				delete(w.Policies, id)
				for k, a := range w.Attachments { // Spacelift detaches a deleted policy
					if a.PolicyID == id {
						delete(w.Attachments, k)
					}
				}
				return nil
			})
		},
	}
}

// ---- spacelift_policy_attachment ----

func policyAttachment() *tfprov.Resource {
	return &tfprov.Resource{
		Name: "spacelift_policy_attachment",
		Attrs: []tfprov.Attr{
			{Name: "policy_id", Kind: tfprov.String, Required: true, ForceNew: true},
			{Name: "module_id", Kind: tfprov.String, Optional: true, ForceNew: true},
			{Name: "stack_id", Kind: tfprov.String, Optional: true, ForceNew: true},
		},
		Validate: func(cfg tfprov.Values) []string {
			stack, module := cfg["stack_id"] != nil, cfg["module_id"] != nil
			if stack == module {
				return []string{"Invalid combination of arguments: exactly one of `module_id,stack_id` must be specified"}
			}
			return nil
		},
		Create: func(_ context.Context, v tfprov.Values) (out tfprov.Values, err error) {
			err = transact("create", "spacelift_policy_attachment", func(w *World) error {
				pid, sid, mid := str(v, "policy_id"), str(v, "stack_id"), str(v, "module_id")
				p, ok := w.Policies[pid]
				if !ok {
					return fmt.Errorf("could not attach policy: policy %q not found", pid)
				}
				if p.Type == "LOGIN" {
					return fmt.Errorf("could not attach policy: %q is a LOGIN policy; login policies apply to the account and are not attached", pid)
				}
				target := sid
				if mid != "" {
					return fmt.Errorf("could not attach policy: module %q not found", mid)
				}
				if _, ok := w.Stacks[sid]; !ok {
					return fmt.Errorf("could not attach policy: stack %q not found", sid)
				}
				id := pid + "/" + target
				if _, dup := w.Attachments[id]; dup {
					return fmt.Errorf("could not attach policy: policy %q is already attached to stack %q", pid, sid)
				}
				w.Attachments[id] = &Attachment{PolicyID: pid, StackID: sid}
				out = copyVals(v)
				out["id"] = id
				return nil
			})
			return
		},
		Update: func(_ context.Context, prior, v tfprov.Values) (tfprov.Values, error) { return v, nil },
		Read: func(_ context.Context, state tfprov.Values) (out tfprov.Values, err error) {
			err = transact("read", "spacelift_policy_attachment", func(w *World) error {
				if _, ok := w.Attachments[str(state, "id")]; ok {
					out = copyVals(state)
				}
				return nil
			})
			return
		},
		Delete: func(_ context.Context, prior tfprov.Values) error {
			return transact("delete", "spacelift_policy_attachment", func(w *World) error {
				delete(w.Attachments, str(prior, "id"))
				return nil
			})
		},
	}
}

// ---- spacelift_worker_pool ----

func workerPool() *tfprov.Resource {
	// credentials issues the pool's token (config) and, without a CSR, a key pair as Spacelift does.
	credentials := func(w *World, id string, v tfprov.Values, pool *WorkerPool) (string, string, error) {
		var privateKey string
		if csr := str(v, "csr"); csr != "" {
			der, err := base64.StdEncoding.DecodeString(csr)
			if err != nil {
				return "", "", fmt.Errorf("could not create worker pool: csr is not base64")
			}
			block, _ := pem.Decode(der)
			if block == nil || block.Type != "CERTIFICATE REQUEST" {
				return "", "", fmt.Errorf("could not create worker pool: csr is not a PEM certificate request")
			}
			req, err := x509.ParseCertificateRequest(block.Bytes)
			if err != nil || req.CheckSignature() != nil {
				return "", "", fmt.Errorf("could not create worker pool: invalid certificate signing request")
			}
			pub, _ := x509.MarshalPKIXPublicKey(req.PublicKey)
			pool.PublicKeyPEM = string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}))
			h := sha256.Sum256([]byte(csr))
			pool.CSRSHA256 = hex.EncodeToString(h[:])
		} else {
			key, err := rsa.GenerateKey(rand.Reader, 2048)
			if err != nil {
				return "", "", err
			}
			keyPEM := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
			privateKey = base64.StdEncoding.EncodeToString(keyPEM)
			pub, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
			pool.PublicKeyPEM = string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}))
			pool.CSRSHA256 = ""
		}
		secret := make([]byte, 32)
		if _, err := rand.Read(secret); err != nil {
			return "", "", err
		}
		token, _ := json.Marshal(map[string]string{
			"broker":      "wss://broker.spacelift.example/workers",
			"worker_pool": id,
			"pool_token":  base64.RawURLEncoding.EncodeToString(secret),
		})
		config := base64.StdEncoding.EncodeToString(token)
		h := sha256.Sum256([]byte(config))
		pool.ConfigSHA256 = hex.EncodeToString(h[:])
		pool.TokenResetNum++
		return config, privateKey, nil
	}
	write := func(w *World, id string, prior, v tfprov.Values) (tfprov.Values, error) {
		space := str(v, "space_id")
		if space == "" {
			space = w.defaultSpace()
		}
		if !w.spaceExists(space) {
			return nil, fmt.Errorf("could not create worker pool: space %q not found", space)
		}
		pool, ok := w.WorkerPools[id]
		if !ok {
			pool = &WorkerPool{}
			w.WorkerPools[id] = pool
		}
		pool.Name, pool.Description, pool.Labels, pool.SpaceID = str(v, "name"), str(v, "description"), strs(v, "labels"), space
		if f, ok := v["drift_detection_run_limit"].(float64); ok {
			pool.DriftLimit = f
		}
		out := copyVals(v)
		out["id"], out["space_id"] = id, space
		if prior == nil || str(prior, "csr") != str(v, "csr") {
			config, key, err := credentials(w, id, v, pool)
			if err != nil {
				return nil, err
			}
			out["config"] = config
			out["private_key"] = nil
			if key != "" {
				out["private_key"] = key
			}
		} else {
			out["config"], out["private_key"] = prior["config"], prior["private_key"]
		}
		return out, nil
	}
	return &tfprov.Resource{
		Name: "spacelift_worker_pool",
		Attrs: []tfprov.Attr{
			{Name: "name", Kind: tfprov.String, Required: true},
			{Name: "csr", Kind: tfprov.String, Optional: true, Sensitive: true},
			{Name: "description", Kind: tfprov.String, Optional: true},
			{Name: "drift_detection_run_limit", Kind: tfprov.Number, Optional: true},
			{Name: "labels", Kind: tfprov.SetOfString, Optional: true},
			{Name: "space_id", Kind: tfprov.String, Optional: true, Computed: true},
			{Name: "config", Kind: tfprov.String, Computed: true, Sensitive: true},
			{Name: "private_key", Kind: tfprov.String, Computed: true, Sensitive: true},
		},
		Plan: func(prior, planned tfprov.Values) {
			if str(prior, "csr") != str(planned, "csr") { // a new CSR resets the token
				planned["config"], planned["private_key"] = tfprov.Unknown{}, tfprov.Unknown{}
			}
		},
		Create: func(_ context.Context, v tfprov.Values) (out tfprov.Values, err error) {
			err = transact("create", "spacelift_worker_pool", func(w *World) error {
				out, err = write(w, w.newID(), nil, v)
				return err
			})
			return
		},
		Update: func(_ context.Context, prior, v tfprov.Values) (out tfprov.Values, err error) {
			err = transact("update", "spacelift_worker_pool", func(w *World) error {
				if _, ok := w.WorkerPools[str(prior, "id")]; !ok {
					return fmt.Errorf("could not update worker pool: worker pool %q not found", str(prior, "id"))
				}
				out, err = write(w, str(prior, "id"), prior, v)
				return err
			})
			return
		},
		Read: func(_ context.Context, state tfprov.Values) (out tfprov.Values, err error) {
			err = transact("read", "spacelift_worker_pool", func(w *World) error {
				p, ok := w.WorkerPools[str(state, "id")]
				if !ok {
					return nil
				}
				out = copyVals(state)
				out["name"], out["space_id"], out["labels"] = p.Name, p.SpaceID, labels(p.Labels)
				return nil
			})
			return
		},
		Delete: func(_ context.Context, prior tfprov.Values) error {
			return transact("delete", "spacelift_worker_pool", func(w *World) error {
				id := str(prior, "id")
				var users []string
				for sid, s := range w.Stacks {
					if s.WorkerPoolID == id {
						users = append(users, sid)
					}
				}
				if len(users) > 0 {
					sort.Strings(users)
					return fmt.Errorf("could not delete worker pool: it is used by stacks %s", strings.Join(users, ", "))
				}
				delete(w.WorkerPools, id)
				return nil
			})
		},
	}
}

// ---- spacelift_stack ----

var slugChars = regexp.MustCompile(`[^a-z0-9]+`)

func slugOf(name string) string {
	return strings.Trim(slugChars.ReplaceAllString(strings.ToLower(name), "-"), "-")
}

func stack() *tfprov.Resource {
	write := func(w *World, id string, v tfprov.Values) (tfprov.Values, error) {
		space := str(v, "space_id")
		if space == "" {
			space = w.defaultSpace()
		}
		if !w.spaceExists(space) {
			return nil, fmt.Errorf("could not create stack: space %q not found", space)
		}
		if pool := str(v, "worker_pool_id"); pool != "" {
			if _, ok := w.WorkerPools[pool]; !ok {
				return nil, fmt.Errorf("could not create stack: worker pool %q not found", pool)
			}
		}
		attrs := map[string]any{}
		for k, e := range v {
			if e != nil && k != "import_state" {
				attrs[k] = e
			}
		}
		w.Stacks[id] = &Stack{Name: str(v, "name"), Repository: str(v, "repository"), Branch: str(v, "branch"), SpaceID: space, WorkerPoolID: str(v, "worker_pool_id"), Protected: v["protect_from_deletion"] == true, Attributes: attrs}
		out := copyVals(v)
		out["id"], out["slug"], out["space_id"] = id, id, space
		out["aws_assume_role_policy_statement"] = fmt.Sprintf(`{"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"standin@%s"}},"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:root"}}`, id)
		return out, nil
	}
	return &tfprov.Resource{
		Name:   "spacelift_stack",
		Attrs:  stackAttrs(),
		Blocks: stackBlocks(),
		Validate: func(cfg tfprov.Values) []string {
			var vcs []string
			for _, b := range []string{"azure_devops", "bitbucket_cloud", "bitbucket_datacenter", "github_enterprise", "gitlab", "raw_git", "showcase", "spacelift_repo"} {
				if l, ok := cfg[b].([]any); ok && len(l) > 0 {
					vcs = append(vcs, b)
				}
			}
			if len(vcs) > 1 {
				return []string{fmt.Sprintf("Invalid combination of arguments: only one of %s can be specified", strings.Join(vcs, ","))}
			}
			var vendors []string
			for _, b := range []string{"ansible", "cloudformation", "kubernetes", "opentofu", "pulumi", "terragrunt"} {
				if l, ok := cfg[b].([]any); ok && len(l) > 0 {
					vendors = append(vendors, b)
				}
			}
			if len(vendors) > 1 {
				return []string{fmt.Sprintf("Invalid combination of arguments: only one of %s can be specified", strings.Join(vendors, ","))}
			}
			return nil
		},
		Create: func(_ context.Context, v tfprov.Values) (out tfprov.Values, err error) {
			err = transact("create", "spacelift_stack", func(w *World) error {
				id := str(v, "slug")
				if id == "" {
					id = slugOf(str(v, "name"))
				}
				if _, taken := w.Stacks[id]; taken {
					return fmt.Errorf("could not create stack: a stack with ID %q exists already", id)
				}
				out, err = write(w, id, v)
				return err
			})
			return
		},
		Update: func(_ context.Context, prior, v tfprov.Values) (out tfprov.Values, err error) {
			err = transact("update", "spacelift_stack", func(w *World) error {
				id := str(prior, "id")
				if _, ok := w.Stacks[id]; !ok {
					return fmt.Errorf("could not update stack: stack %q not found", id)
				}
				out, err = write(w, id, v)
				return err
			})
			return
		},
		Read: func(_ context.Context, state tfprov.Values) (out tfprov.Values, err error) {
			err = transact("read", "spacelift_stack", func(w *World) error {
				s, ok := w.Stacks[str(state, "id")]
				if !ok {
					return nil
				}
				out = copyVals(state)
				out["name"], out["repository"], out["branch"], out["space_id"] = s.Name, s.Repository, s.Branch, s.SpaceID
				return nil
			})
			return
		},
		Delete: func(_ context.Context, prior tfprov.Values) error {
			return transact("delete", "spacelift_stack", func(w *World) error {
				id := str(prior, "id")
				s, ok := w.Stacks[id]
				if !ok {
					return nil
				}
				if s.Protected {
					return fmt.Errorf("could not delete stack: stack %q is protected from deletion", id)
				}
				delete(w.Stacks, id)
				for k, a := range w.Attachments {
					if a.StackID == id {
						delete(w.Attachments, k)
					}
				}
				return nil
			})
		},
	}
}

func stackAttrs() []tfprov.Attr {
	s := func(name string) tfprov.Attr { return tfprov.Attr{Name: name, Kind: tfprov.String, Optional: true} }
	bl := func(name string, def bool) tfprov.Attr {
		return tfprov.Attr{Name: name, Kind: tfprov.Bool, Optional: true, Default: def}
	}
	list := func(name string) tfprov.Attr {
		return tfprov.Attr{Name: name, Kind: tfprov.ListOfString, Optional: true}
	}
	set := func(name string) tfprov.Attr {
		return tfprov.Attr{Name: name, Kind: tfprov.SetOfString, Optional: true}
	}
	attrs := []tfprov.Attr{
		{Name: "branch", Kind: tfprov.String, Required: true},
		{Name: "name", Kind: tfprov.String, Required: true},
		{Name: "repository", Kind: tfprov.String, Required: true},
		set("additional_project_globs"),
		{Name: "administrative", Kind: tfprov.Bool, Optional: true, Default: false, Deprecated: "use spacelift_role_attachment"},
	}
	for _, phase := range []string{"apply", "destroy", "init", "perform", "plan", "run"} {
		attrs = append(attrs, list("after_"+phase))
	}
	attrs = append(attrs, bl("allow_run_promotion", true), bl("autodeploy", false), bl("autoretry", false))
	for _, phase := range []string{"apply", "destroy", "init", "perform", "plan"} {
		attrs = append(attrs, list("before_"+phase))
	}
	attrs = append(attrs,
		s("description"),
		bl("enable_local_preview", false),
		bl("enable_sensitive_outputs_upload", true),
		bl("enable_well_known_secret_masking", false),
		set("git_sparse_checkout_paths"),
		tfprov.Attr{Name: "github_action_deploy", Kind: tfprov.Bool, Optional: true, Default: true, Deprecated: "use allow_run_promotion"},
		tfprov.Attr{Name: "import_state", Kind: tfprov.String, Optional: true, Sensitive: true},
		s("import_state_file"),
		set("labels"),
		tfprov.Attr{Name: "manage_state", Kind: tfprov.Bool, Optional: true, Default: true, ForceNew: true},
		s("project_root"),
		bl("protect_from_deletion", false),
		s("runner_image"),
		tfprov.Attr{Name: "slug", Kind: tfprov.String, Optional: true, Computed: true, ForceNew: true},
		tfprov.Attr{Name: "space_id", Kind: tfprov.String, Optional: true, Computed: true},
		bl("terraform_external_state_access", false),
		bl("terraform_smart_sanitization", false),
		s("terraform_version"),
		tfprov.Attr{Name: "terraform_workflow_tool", Kind: tfprov.String, Optional: true, Computed: true, OneOf: []string{"OPEN_TOFU", "TERRAFORM_FOSS", "CUSTOM"}},
		s("terraform_workspace"),
		s("worker_pool_id"),
		tfprov.Attr{Name: "aws_assume_role_policy_statement", Kind: tfprov.String, Computed: true},
	)
	return attrs
}

func stackBlocks() []tfprov.Block {
	req := func(name string) tfprov.Attr { return tfprov.Attr{Name: name, Kind: tfprov.String, Required: true} }
	opt := func(name string) tfprov.Attr { return tfprov.Attr{Name: name, Kind: tfprov.String, Optional: true} }
	optB := func(name string) tfprov.Attr { return tfprov.Attr{Name: name, Kind: tfprov.Bool, Optional: true} }
	isDefault := tfprov.Attr{Name: "is_default", Kind: tfprov.Bool, Computed: true}
	one := func(name string, attrs ...tfprov.Attr) tfprov.Block {
		return tfprov.Block{Name: name, MaxItems: 1, Attrs: attrs}
	}
	vcs := func(name, field string) tfprov.Block {
		return one(name, req(field), tfprov.Attr{Name: "id", Kind: tfprov.String, Optional: true, Computed: true}, isDefault)
	}
	opentofu := one("opentofu", optB("external_state_access"), optB("use_smart_sanitization"), opt("version"), tfprov.Attr{Name: "workflow_tool", Kind: tfprov.String, Optional: true, OneOf: []string{"OPENTOFU", "CUSTOM"}}, opt("workspace"))
	opentofu.Blocks = []tfprov.Block{one("logging", optB("concise"))}
	return []tfprov.Block{
		one("ansible", req("playbook")),
		vcs("azure_devops", "project"),
		vcs("bitbucket_cloud", "namespace"),
		vcs("bitbucket_datacenter", "namespace"),
		one("cloudformation", req("entry_template_file"), req("region"), req("stack_name"), req("template_bucket")),
		vcs("github_enterprise", "namespace"),
		vcs("gitlab", "namespace"),
		one("kubernetes", opt("kubectl_version"), tfprov.Attr{Name: "kubernetes_workflow_tool", Kind: tfprov.String, Optional: true, OneOf: []string{"KUBERNETES", "CUSTOM"}}, opt("namespace")),
		opentofu,
		one("pulumi", req("login_url"), req("stack_name")),
		one("raw_git", req("namespace"), req("url")),
		one("showcase", req("namespace")),
		one("spacelift_repo"),
		one("terragrunt", optB("prefix_resource_names_with_module_name"), optB("skip_replan"), optB("skip_replan_when_run_all"), opt("terraform_version"), opt("terragrunt_version"), tfprov.Attr{Name: "tool", Kind: tfprov.String, Optional: true, OneOf: []string{"OPEN_TOFU", "TERRAFORM_FOSS", "MANUALLY_PROVISIONED"}}, optB("use_run_all"), optB("use_smart_sanitization"), optB("use_state_management")),
	}
}
