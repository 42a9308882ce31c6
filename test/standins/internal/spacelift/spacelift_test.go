package spacelift

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov5"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/signed-runs/standins/internal/tfprov"
	"github.com/signed-runs/standins/internal/world"
)

// tf plays Terraform core (or the bridge) against the stand-in.
type tf struct {
	t *testing.T
	s *tfprov.Server
	p *tfprov.Provider
}

func (x *tf) typ(name string) tftypes.Object {
	schema, _ := x.s.GetProviderSchema(context.Background(), &tfprotov5.GetProviderSchemaRequest{})
	ty := schema.ResourceSchemas[name].ValueType().(tftypes.Object)
	return ty
}

// value builds a full object of the resource's type: attributes not given are null.
func (x *tf) value(name string, vals map[string]any) *tfprotov5.DynamicValue {
	ty := x.typ(name)
	attrs := map[string]tftypes.Value{}
	for k, at := range ty.AttributeTypes {
		v, ok := vals[k]
		if !ok {
			attrs[k] = tftypes.NewValue(at, nil)
			continue
		}
		switch tv := v.(type) {
		case []string:
			var items []tftypes.Value
			for _, s := range tv {
				items = append(items, tftypes.NewValue(tftypes.String, s))
			}
			attrs[k] = tftypes.NewValue(at, items)
		case tftypes.Value:
			attrs[k] = tv
		default:
			attrs[k] = tftypes.NewValue(at, v)
		}
	}
	dv, err := tfprotov5.NewDynamicValue(ty, tftypes.NewValue(ty, attrs))
	if err != nil {
		x.t.Fatal(err)
	}
	return &dv
}

func (x *tf) validate(name string, vals map[string]any) []*tfprotov5.Diagnostic {
	resp, _ := x.s.ValidateResourceTypeConfig(context.Background(), &tfprotov5.ValidateResourceTypeConfigRequest{TypeName: name, Config: x.value(name, vals)})
	return resp.Diagnostics
}

// create plans and applies a new resource and returns its state as a Go map.
func (x *tf) create(name string, vals map[string]any) (map[string]tftypes.Value, *tfprotov5.DynamicValue, []*tfprotov5.Diagnostic) {
	x.t.Helper()
	if d := x.validate(name, vals); len(d) > 0 {
		return nil, nil, d
	}
	cfg := x.value(name, vals)
	ty := x.typ(name)
	null, _ := tfprotov5.NewDynamicValue(ty, tftypes.NewValue(ty, nil))
	plan, _ := x.s.PlanResourceChange(context.Background(), &tfprotov5.PlanResourceChangeRequest{TypeName: name, PriorState: &null, ProposedNewState: cfg, Config: cfg})
	if len(plan.Diagnostics) > 0 {
		return nil, nil, plan.Diagnostics
	}
	resp, _ := x.s.ApplyResourceChange(context.Background(), &tfprotov5.ApplyResourceChangeRequest{TypeName: name, PriorState: &null, PlannedState: plan.PlannedState, Config: cfg})
	if len(resp.Diagnostics) > 0 {
		return nil, nil, resp.Diagnostics
	}
	v, _ := resp.NewState.Unmarshal(ty)
	var m map[string]tftypes.Value
	_ = v.As(&m)
	return m, resp.NewState, nil
}

func (x *tf) destroy(name string, state *tfprotov5.DynamicValue) []*tfprotov5.Diagnostic {
	ty := x.typ(name)
	null, _ := tfprotov5.NewDynamicValue(ty, tftypes.NewValue(ty, nil))
	resp, _ := x.s.ApplyResourceChange(context.Background(), &tfprotov5.ApplyResourceChangeRequest{TypeName: name, PriorState: state, PlannedState: &null})
	return resp.Diagnostics
}

func s(v tftypes.Value) string { var out string; _ = v.As(&out); return out }

func setup(t *testing.T) (*tf, string) {
	path := filepath.Join(t.TempDir(), "spacelift.json")
	t.Setenv(WorldEnv, path)
	t.Setenv(FaultEnv, "")
	st := &world.Store[World]{Path: path}
	_ = st.Update(func(w *World) error { w.SeedStack("payments-prod", "infra", "main"); return nil })
	p := Provider()
	return &tf{t: t, s: tfprov.NewServer(p), p: p}, path
}

func load(t *testing.T, path string) *World {
	var w World
	_ = (&world.Store[World]{Path: path}).View(func(x *World) error { w = *x; return nil })
	return &w
}

func TestSchemaFollowsTheOfficialProvider(t *testing.T) {
	x, _ := setup(t)
	schema, _ := x.s.GetProviderSchema(context.Background(), &tfprotov5.GetProviderSchemaRequest{})
	pool := schema.ResourceSchemas["spacelift_worker_pool"].Block
	found := map[string]*tfprotov5.SchemaAttribute{}
	for _, a := range pool.Attributes {
		found[a.Name] = a
	}
	if a := found["private_key"]; a == nil || !a.Computed || !a.Sensitive || a.Optional {
		t.Fatalf("private_key: %+v", a)
	}
	if a := found["name"]; a == nil || !a.Required {
		t.Fatalf("name: %+v", a)
	}
	var pulumiBlock *tfprotov5.SchemaNestedBlock
	for _, b := range schema.ResourceSchemas["spacelift_stack"].Block.BlockTypes {
		if b.TypeName == "pulumi" {
			pulumiBlock = b
		}
	}
	if pulumiBlock == nil || pulumiBlock.MaxItems != 1 {
		t.Fatalf("stack.pulumi must be a MaxItems=1 block (the bridge flattens it to an object): %+v", pulumiBlock)
	}
}

func TestPolicyValidationAndEngineTypeDefault(t *testing.T) {
	x, path := setup(t)
	if d := x.validate("spacelift_policy", map[string]any{"name": "p", "body": "package x", "type": "GIT_PUSHH"}); len(d) != 1 || !strings.Contains(d[0].Summary, "GIT_PUSHH") {
		t.Fatalf("bad type: %v", d)
	}
	if d := x.validate("spacelift_policy", map[string]any{"name": "p", "body": "b", "type": "GIT_PUSH", "engine_type": "REGO_V2"}); len(d) != 1 {
		t.Fatalf("bad engine: %v", d)
	}
	if d := x.validate("spacelift_policy", map[string]any{"body": "b", "type": "GIT_PUSH"}); len(d) != 1 || !strings.Contains(d[0].Summary, `"name" is required`) {
		t.Fatalf("missing name: %v", d)
	}
	st, _, d := x.create("spacelift_policy", map[string]any{"name": "p", "body": "package spacelift", "type": "GIT_PUSH"})
	if d != nil {
		t.Fatal(d[0].Summary)
	}
	if s(st["engine_type"]) != "REGO_V0" || s(st["space_id"]) != "root" {
		t.Fatalf("defaults: %v", st)
	}
	if p := load(t, path).Policies[s(st["id"])]; p == nil || p.Body != "package spacelift" {
		t.Fatalf("body not stored: %+v", p)
	}
	if _, _, d := x.create("spacelift_policy", map[string]any{"name": "p", "body": "b", "type": "PLAN"}); d == nil {
		t.Fatal("a second policy with the same name was accepted")
	}
}

func TestAttachmentNeedsAnExistingPolicyAndStack(t *testing.T) {
	x, path := setup(t)
	pol, polState, _ := x.create("spacelift_policy", map[string]any{"name": "p", "body": "b", "type": "GIT_PUSH"})
	pid := s(pol["id"])
	if _, _, d := x.create("spacelift_policy_attachment", map[string]any{"policy_id": "01HMISSING", "stack_id": "payments-prod"}); d == nil || !strings.Contains(d[0].Summary, "policy \"01HMISSING\" not found") {
		t.Fatalf("missing policy: %v", d[0].Summary)
	}
	if _, _, d := x.create("spacelift_policy_attachment", map[string]any{"policy_id": pid, "stack_id": "nope"}); d == nil || !strings.Contains(d[0].Summary, "stack \"nope\" not found") {
		t.Fatalf("missing stack: %v", d)
	}
	if d := x.validate("spacelift_policy_attachment", map[string]any{"policy_id": pid}); len(d) != 1 {
		t.Fatalf("neither stack nor module: %v", d)
	}
	_, attState, d := x.create("spacelift_policy_attachment", map[string]any{"policy_id": pid, "stack_id": "payments-prod"})
	if d != nil {
		t.Fatal(d[0].Summary)
	}
	if _, _, d := x.create("spacelift_policy_attachment", map[string]any{"policy_id": pid, "stack_id": "payments-prod"}); d == nil {
		t.Fatal("a duplicate attachment was accepted")
	}
	if d := x.destroy("spacelift_policy_attachment", attState); d != nil {
		t.Fatal(d[0].Summary)
	}
	if d := x.destroy("spacelift_policy", polState); d != nil {
		t.Fatal(d[0].Summary)
	}
	if !load(t, path).IsEmpty() {
		t.Fatal("not empty after destroy")
	}
}

func TestWorkerPoolReturnsConfigAndPrivateKeyAndKeepsOnlyHashes(t *testing.T) {
	x, path := setup(t)
	st, state, d := x.create("spacelift_worker_pool", map[string]any{"name": "pool"})
	if d != nil {
		t.Fatal(d[0].Summary)
	}
	config, key := s(st["config"]), s(st["private_key"])
	raw, err := base64.StdEncoding.DecodeString(config)
	var token map[string]string
	if err != nil || json.Unmarshal(raw, &token) != nil || token["worker_pool"] != s(st["id"]) {
		t.Fatalf("config is not a base64 token for the pool: %q", config)
	}
	keyPEM, err := base64.StdEncoding.DecodeString(key)
	if block, _ := pem.Decode(keyPEM); err != nil || block == nil || block.Type != "RSA PRIVATE KEY" {
		t.Fatalf("private_key is not a base64 PEM key")
	}
	worldText, _ := os.ReadFile(path)
	if strings.Contains(string(worldText), config) || strings.Contains(string(worldText), key) {
		t.Fatal("the fake Spacelift stores the pool's credentials")
	}
	// A stack on the pool keeps the pool from being deleted.
	_, stackState, d := x.create("spacelift_stack", map[string]any{"name": "App Prod", "repository": "infra", "branch": "main", "worker_pool_id": s(st["id"])})
	if d != nil {
		t.Fatal(d[0].Summary)
	}
	if d := x.destroy("spacelift_worker_pool", state); d == nil || !strings.Contains(d[0].Summary, "app-prod") {
		t.Fatalf("a pool in use was deleted: %v", d)
	}
	if d := x.destroy("spacelift_stack", stackState); d != nil {
		t.Fatal(d[0].Summary)
	}
	if d := x.destroy("spacelift_worker_pool", state); d != nil {
		t.Fatal(d[0].Summary)
	}
	if !load(t, path).IsEmpty() {
		t.Fatal("not empty")
	}
}

func TestStackNeedsAnExistingPoolAndRejectsUnknownEnums(t *testing.T) {
	x, _ := setup(t)
	if _, _, d := x.create("spacelift_stack", map[string]any{"name": "a", "repository": "r", "branch": "main", "worker_pool_id": "01HNOPE"}); d == nil || !strings.Contains(d[0].Summary, "worker pool") {
		t.Fatalf("missing pool: %v", d)
	}
	if d := x.validate("spacelift_stack", map[string]any{"name": "a", "repository": "r", "branch": "main", "terraform_workflow_tool": "TOFU"}); len(d) != 1 {
		t.Fatalf("bad workflow tool: %v", d)
	}
}

func TestConfigureNeedsCredentials(t *testing.T) {
	x, _ := setup(t)
	for _, k := range []string{"SPACELIFT_API_TOKEN", "SPACELIFT_API_KEY_ENDPOINT", "SPACELIFT_API_ENDPOINT", "SPACELIFT_API_KEY_ID", "SPACELIFT_API_KEY_SECRET"} {
		t.Setenv(k, "")
	}
	ty := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"api_key_endpoint": tftypes.String, "api_key_id": tftypes.String, "api_key_secret": tftypes.String, "api_token": tftypes.String}}
	mk := func(endpoint string) *tfprotov5.DynamicValue {
		ep := tftypes.NewValue(tftypes.String, nil)
		if endpoint != "" {
			ep = tftypes.NewValue(tftypes.String, endpoint)
		}
		v := tftypes.NewValue(ty, map[string]tftypes.Value{"api_key_endpoint": ep, "api_key_id": tftypes.NewValue(tftypes.String, "id"), "api_key_secret": tftypes.NewValue(tftypes.String, "secret"), "api_token": tftypes.NewValue(tftypes.String, nil)})
		dv, _ := tfprotov5.NewDynamicValue(ty, v)
		return &dv
	}
	if resp, _ := x.s.ConfigureProvider(context.Background(), &tfprotov5.ConfigureProviderRequest{Config: mk("")}); len(resp.Diagnostics) != 1 {
		t.Fatal("no endpoint was accepted")
	}
	if resp, _ := x.s.ConfigureProvider(context.Background(), &tfprotov5.ConfigureProviderRequest{Config: mk("https://acme.app.spacelift.io")}); len(resp.Diagnostics) != 0 {
		t.Fatal(resp.Diagnostics[0].Summary)
	}
}
