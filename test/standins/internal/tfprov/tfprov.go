// Package tfprov is a small Terraform provider server (plugin protocol 5,
// as providers built on terraform-plugin-sdk/v2 speak it) for stand-ins.
// Resources declare their attributes and nested blocks the way the real
// provider's schema does (required/optional/computed/sensitive, MaxItems 1
// blocks, defaults, forced replacement) and implement CRUD on Go maps.
package tfprov

import (
	"context"
	"fmt"
	"math/big"
	"reflect"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-go/tfprotov5"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Kind of an attribute.
type Kind int

const (
	String Kind = iota
	Bool
	Number
	SetOfString
	ListOfString
)

// Attr is one attribute.
type Attr struct {
	Name                                    string
	Kind                                    Kind
	Required, Optional, Computed, Sensitive bool
	ForceNew                                bool
	Default                                 any      // applied in plan when the configuration leaves it null
	OneOf                                   []string // allowed values of a string
	Deprecated                              string
}

// Block is a nested block (nesting mode list).
type Block struct {
	Name     string
	MaxItems int
	MinItems int
	Attrs    []Attr
	Blocks   []Block
}

// Unknown is a value not known until apply.
type Unknown struct{}

// Values is an object's attributes as Go values: string, bool, float64, []any, map[string]any, nil, Unknown{}.
type Values = map[string]any

// Resource is one resource type.
type Resource struct {
	Name   string
	Attrs  []Attr
	Blocks []Block
	// Validate checks a configuration (which may hold Unknown values) beyond the schema.
	Validate func(cfg Values) []string
	// Plan adjusts a planned update (e.g. marks outputs that will change as Unknown).
	Plan   func(prior, planned Values)
	Create func(ctx context.Context, planned Values) (Values, error)
	// Read returns nil when the object is gone.
	Read   func(ctx context.Context, state Values) (Values, error)
	Update func(ctx context.Context, prior, planned Values) (Values, error)
	Delete func(ctx context.Context, prior Values) error
}

// Provider is the whole provider.
type Provider struct {
	ConfigAttrs []Attr
	Configure   func(cfg Values) error
	Resources   []*Resource
}

func (k Kind) tf() tftypes.Type {
	switch k {
	case Bool:
		return tftypes.Bool
	case Number:
		return tftypes.Number
	case SetOfString:
		return tftypes.Set{ElementType: tftypes.String}
	case ListOfString:
		return tftypes.List{ElementType: tftypes.String}
	}
	return tftypes.String
}

func withID(attrs []Attr) []Attr {
	// Like every SDKv2 resource: an optional, computed "id".
	return append([]Attr{{Name: "id", Kind: String, Optional: true, Computed: true}}, attrs...)
}

func objectType(attrs []Attr, blocks []Block) tftypes.Object {
	types := map[string]tftypes.Type{}
	for _, a := range attrs {
		types[a.Name] = a.Kind.tf()
	}
	for _, b := range blocks {
		types[b.Name] = tftypes.List{ElementType: objectType(b.Attrs, b.Blocks)}
	}
	return tftypes.Object{AttributeTypes: types}
}

func (r *Resource) objectType() tftypes.Object { return objectType(withID(r.Attrs), r.Blocks) }

func schemaBlock(attrs []Attr, blocks []Block) *tfprotov5.SchemaBlock {
	out := &tfprotov5.SchemaBlock{}
	for _, a := range attrs {
		out.Attributes = append(out.Attributes, &tfprotov5.SchemaAttribute{
			Name: a.Name, Type: a.Kind.tf(), Required: a.Required, Optional: a.Optional, Computed: a.Computed,
			Sensitive: a.Sensitive, Deprecated: a.Deprecated != "", Description: a.Deprecated,
		})
	}
	for _, b := range blocks {
		out.BlockTypes = append(out.BlockTypes, &tfprotov5.SchemaNestedBlock{
			TypeName: b.Name, Nesting: tfprotov5.SchemaNestedBlockNestingModeList,
			MaxItems: int64(b.MaxItems), MinItems: int64(b.MinItems), Block: schemaBlock(b.Attrs, b.Blocks),
		})
	}
	return out
}

// Server implements tfprotov5.ProviderServer.
type Server struct {
	p      *Provider
	byName map[string]*Resource
}

// NewServer builds a server for p.
func NewServer(p *Provider) *Server {
	s := &Server{p: p, byName: map[string]*Resource{}}
	for _, r := range p.Resources {
		s.byName[r.Name] = r
	}
	return s
}

func diag(format string, args ...any) []*tfprotov5.Diagnostic {
	return []*tfprotov5.Diagnostic{{Severity: tfprotov5.DiagnosticSeverityError, Summary: fmt.Sprintf(format, args...)}}
}

func errDiag(err error) []*tfprotov5.Diagnostic { return diag("%s", err.Error()) }

func (s *Server) resource(name string) (*Resource, []*tfprotov5.Diagnostic) {
	r, ok := s.byName[name]
	if !ok {
		return nil, diag("unknown resource type %q", name)
	}
	return r, nil
}

func (s *Server) GetMetadata(context.Context, *tfprotov5.GetMetadataRequest) (*tfprotov5.GetMetadataResponse, error) {
	resp := &tfprotov5.GetMetadataResponse{ServerCapabilities: &tfprotov5.ServerCapabilities{PlanDestroy: true}}
	for _, r := range s.p.Resources {
		resp.Resources = append(resp.Resources, tfprotov5.ResourceMetadata{TypeName: r.Name})
	}
	return resp, nil
}

func (s *Server) GetProviderSchema(context.Context, *tfprotov5.GetProviderSchemaRequest) (*tfprotov5.GetProviderSchemaResponse, error) {
	resp := &tfprotov5.GetProviderSchemaResponse{
		Provider:           &tfprotov5.Schema{Block: schemaBlock(s.p.ConfigAttrs, nil)},
		ResourceSchemas:    map[string]*tfprotov5.Schema{},
		DataSourceSchemas:  map[string]*tfprotov5.Schema{},
		Functions:          map[string]*tfprotov5.Function{},
		ServerCapabilities: &tfprotov5.ServerCapabilities{PlanDestroy: true},
	}
	for _, r := range s.p.Resources {
		resp.ResourceSchemas[r.Name] = &tfprotov5.Schema{Block: schemaBlock(withID(r.Attrs), r.Blocks)}
	}
	return resp, nil
}

func (s *Server) GetResourceIdentitySchemas(context.Context, *tfprotov5.GetResourceIdentitySchemasRequest) (*tfprotov5.GetResourceIdentitySchemasResponse, error) {
	return &tfprotov5.GetResourceIdentitySchemasResponse{IdentitySchemas: map[string]*tfprotov5.ResourceIdentitySchema{}}, nil
}

func (s *Server) PrepareProviderConfig(_ context.Context, req *tfprotov5.PrepareProviderConfigRequest) (*tfprotov5.PrepareProviderConfigResponse, error) {
	return &tfprotov5.PrepareProviderConfigResponse{PreparedConfig: req.Config}, nil
}

func (s *Server) ConfigureProvider(_ context.Context, req *tfprotov5.ConfigureProviderRequest) (*tfprotov5.ConfigureProviderResponse, error) {
	cfg, err := decode(req.Config, objectType(s.p.ConfigAttrs, nil))
	if err != nil {
		return &tfprotov5.ConfigureProviderResponse{Diagnostics: errDiag(err)}, nil
	}
	if s.p.Configure != nil {
		if err := s.p.Configure(cfg); err != nil {
			return &tfprotov5.ConfigureProviderResponse{Diagnostics: errDiag(err)}, nil
		}
	}
	return &tfprotov5.ConfigureProviderResponse{}, nil
}

func (s *Server) StopProvider(context.Context, *tfprotov5.StopProviderRequest) (*tfprotov5.StopProviderResponse, error) {
	return &tfprotov5.StopProviderResponse{}, nil
}

func (s *Server) ValidateResourceTypeConfig(_ context.Context, req *tfprotov5.ValidateResourceTypeConfigRequest) (*tfprotov5.ValidateResourceTypeConfigResponse, error) {
	r, d := s.resource(req.TypeName)
	if d != nil {
		return &tfprotov5.ValidateResourceTypeConfigResponse{Diagnostics: d}, nil
	}
	cfg, err := decode(req.Config, r.objectType())
	if err != nil {
		return &tfprotov5.ValidateResourceTypeConfigResponse{Diagnostics: errDiag(err)}, nil
	}
	problems := validate("", r.Attrs, r.Blocks, cfg)
	if len(problems) == 0 && r.Validate != nil {
		problems = r.Validate(cfg)
	}
	var diags []*tfprotov5.Diagnostic
	for _, p := range problems {
		diags = append(diags, diag("%s", p)...)
	}
	return &tfprotov5.ValidateResourceTypeConfigResponse{Diagnostics: diags}, nil
}

// validate checks required attributes, read-only attributes, enums and block counts.
func validate(prefix string, attrs []Attr, blocks []Block, cfg Values) []string {
	var out []string
	for _, a := range attrs {
		v := cfg[a.Name]
		if a.Required && v == nil {
			out = append(out, fmt.Sprintf("Missing required argument: The argument %q is required, but no definition was found.", prefix+a.Name))
		}
		if !a.Required && !a.Optional && v != nil {
			if _, unknown := v.(Unknown); !unknown {
				out = append(out, fmt.Sprintf("Invalid Configuration for Read-Only Attribute: Cannot set value for this attribute as the provider has marked it as read-only: %q", prefix+a.Name))
			}
		}
		if sv, ok := v.(string); ok && len(a.OneOf) > 0 && !contains(a.OneOf, sv) {
			out = append(out, fmt.Sprintf("expected %s to be one of [%s], got %s", prefix+a.Name, strings.Join(a.OneOf, " "), sv))
		}
	}
	for _, b := range blocks {
		items, _ := cfg[b.Name].([]any)
		if b.MaxItems > 0 && len(items) > b.MaxItems {
			out = append(out, fmt.Sprintf("Too many %s blocks: No more than %d %q blocks are allowed", prefix+b.Name, b.MaxItems, b.Name))
		}
		if len(items) < b.MinItems {
			out = append(out, fmt.Sprintf("Insufficient %s blocks: At least %d %q blocks are required.", prefix+b.Name, b.MinItems, b.Name))
		}
		for _, item := range items {
			if m, ok := item.(map[string]any); ok {
				out = append(out, validate(prefix+b.Name+".", b.Attrs, b.Blocks, m)...)
			}
		}
	}
	return out
}

func (s *Server) UpgradeResourceState(_ context.Context, req *tfprotov5.UpgradeResourceStateRequest) (*tfprotov5.UpgradeResourceStateResponse, error) {
	r, d := s.resource(req.TypeName)
	if d != nil {
		return &tfprotov5.UpgradeResourceStateResponse{Diagnostics: d}, nil
	}
	t := r.objectType()
	v, err := req.RawState.UnmarshalWithOpts(t, tfprotov5.UnmarshalOpts{ValueFromJSONOpts: tftypes.ValueFromJSONOpts{IgnoreUndefinedAttributes: true}})
	if err != nil {
		return &tfprotov5.UpgradeResourceStateResponse{Diagnostics: errDiag(err)}, nil
	}
	dv, err := tfprotov5.NewDynamicValue(t, v)
	if err != nil {
		return &tfprotov5.UpgradeResourceStateResponse{Diagnostics: errDiag(err)}, nil
	}
	return &tfprotov5.UpgradeResourceStateResponse{UpgradedState: &dv}, nil
}

func (s *Server) ReadResource(ctx context.Context, req *tfprotov5.ReadResourceRequest) (*tfprotov5.ReadResourceResponse, error) {
	r, d := s.resource(req.TypeName)
	if d != nil {
		return &tfprotov5.ReadResourceResponse{Diagnostics: d}, nil
	}
	t := r.objectType()
	state, err := decode(req.CurrentState, t)
	if err != nil {
		return &tfprotov5.ReadResourceResponse{Diagnostics: errDiag(err)}, nil
	}
	out, err := r.Read(ctx, state)
	if err != nil {
		return &tfprotov5.ReadResourceResponse{Diagnostics: errDiag(err)}, nil
	}
	dv, err := encode(t, out)
	if err != nil {
		return &tfprotov5.ReadResourceResponse{Diagnostics: errDiag(err)}, nil
	}
	return &tfprotov5.ReadResourceResponse{NewState: dv, Private: req.Private}, nil
}

func (s *Server) PlanResourceChange(_ context.Context, req *tfprotov5.PlanResourceChangeRequest) (*tfprotov5.PlanResourceChangeResponse, error) {
	r, d := s.resource(req.TypeName)
	if d != nil {
		return &tfprotov5.PlanResourceChangeResponse{Diagnostics: d}, nil
	}
	t := r.objectType()
	prior, err := decode(req.PriorState, t)
	if err != nil {
		return &tfprotov5.PlanResourceChangeResponse{Diagnostics: errDiag(err)}, nil
	}
	planned, err := decode(req.ProposedNewState, t)
	if err != nil {
		return &tfprotov5.PlanResourceChangeResponse{Diagnostics: errDiag(err)}, nil
	}
	if planned == nil { // destroy
		return &tfprotov5.PlanResourceChangeResponse{PlannedState: req.ProposedNewState, UnsafeToUseLegacyTypeSystem: true}, nil
	}
	config, err := decode(req.Config, t)
	if err != nil {
		return &tfprotov5.PlanResourceChangeResponse{Diagnostics: errDiag(err)}, nil
	}
	attrs := withID(r.Attrs)
	for _, a := range attrs {
		if a.Default != nil && config[a.Name] == nil {
			planned[a.Name] = a.Default
		}
	}
	var replace []*tftypes.AttributePath
	if prior == nil {
		for _, a := range attrs {
			if a.Computed && planned[a.Name] == nil {
				planned[a.Name] = Unknown{}
			}
		}
	} else {
		for _, a := range attrs {
			if a.ForceNew && !reflect.DeepEqual(norm(prior[a.Name]), norm(planned[a.Name])) {
				replace = append(replace, tftypes.NewAttributePath().WithAttributeName(a.Name))
			}
		}
		if len(replace) > 0 {
			for _, a := range attrs {
				if a.Computed && config[a.Name] == nil && a.Default == nil {
					planned[a.Name] = Unknown{}
				}
			}
		} else if r.Plan != nil {
			r.Plan(prior, planned)
		}
	}
	dv, err := encode(t, planned)
	if err != nil {
		return &tfprotov5.PlanResourceChangeResponse{Diagnostics: errDiag(err)}, nil
	}
	return &tfprotov5.PlanResourceChangeResponse{PlannedState: dv, RequiresReplace: replace, UnsafeToUseLegacyTypeSystem: true}, nil
}

// norm treats an empty set or list like null, as SDKv2 does.
func norm(v any) any {
	if l, ok := v.([]any); ok && len(l) == 0 {
		return nil
	}
	if l, ok := v.([]any); ok {
		out := append([]any(nil), l...)
		sort.Slice(out, func(i, j int) bool { return fmt.Sprint(out[i]) < fmt.Sprint(out[j]) })
		return out
	}
	return v
}

func (s *Server) ApplyResourceChange(ctx context.Context, req *tfprotov5.ApplyResourceChangeRequest) (*tfprotov5.ApplyResourceChangeResponse, error) {
	r, d := s.resource(req.TypeName)
	if d != nil {
		return &tfprotov5.ApplyResourceChangeResponse{Diagnostics: d}, nil
	}
	t := r.objectType()
	prior, err := decode(req.PriorState, t)
	if err != nil {
		return &tfprotov5.ApplyResourceChangeResponse{Diagnostics: errDiag(err)}, nil
	}
	planned, err := decode(req.PlannedState, t)
	if err != nil {
		return &tfprotov5.ApplyResourceChangeResponse{Diagnostics: errDiag(err)}, nil
	}
	var out Values
	switch {
	case planned == nil:
		err = r.Delete(ctx, prior)
	case prior == nil:
		out, err = r.Create(ctx, planned)
	default:
		out, err = r.Update(ctx, prior, planned)
	}
	if err != nil {
		// A failed create leaves no state; a failed update keeps the prior state.
		st, _ := encode(t, prior)
		return &tfprotov5.ApplyResourceChangeResponse{NewState: st, Diagnostics: errDiag(err), UnsafeToUseLegacyTypeSystem: true}, nil
	}
	if out != nil {
		for k, v := range out {
			if _, unknown := v.(Unknown); unknown {
				out[k] = nil
			}
		}
	}
	dv, err := encode(t, out)
	if err != nil {
		return &tfprotov5.ApplyResourceChangeResponse{Diagnostics: errDiag(err)}, nil
	}
	return &tfprotov5.ApplyResourceChangeResponse{NewState: dv, UnsafeToUseLegacyTypeSystem: true}, nil
}

func (s *Server) ImportResourceState(_ context.Context, req *tfprotov5.ImportResourceStateRequest) (*tfprotov5.ImportResourceStateResponse, error) {
	return &tfprotov5.ImportResourceStateResponse{Diagnostics: diag("the Spacelift stand-in does not import %s", req.TypeName)}, nil
}

func (s *Server) MoveResourceState(context.Context, *tfprotov5.MoveResourceStateRequest) (*tfprotov5.MoveResourceStateResponse, error) {
	return &tfprotov5.MoveResourceStateResponse{Diagnostics: diag("moving state is not supported")}, nil
}

func (s *Server) UpgradeResourceIdentity(context.Context, *tfprotov5.UpgradeResourceIdentityRequest) (*tfprotov5.UpgradeResourceIdentityResponse, error) {
	return &tfprotov5.UpgradeResourceIdentityResponse{Diagnostics: diag("resource identity is not supported")}, nil
}

func (s *Server) GenerateResourceConfig(context.Context, *tfprotov5.GenerateResourceConfigRequest) (*tfprotov5.GenerateResourceConfigResponse, error) {
	return &tfprotov5.GenerateResourceConfigResponse{Diagnostics: diag("not supported")}, nil
}

func (s *Server) ValidateDataSourceConfig(_ context.Context, req *tfprotov5.ValidateDataSourceConfigRequest) (*tfprotov5.ValidateDataSourceConfigResponse, error) {
	return &tfprotov5.ValidateDataSourceConfigResponse{Diagnostics: diag("the Spacelift stand-in has no data source %s", req.TypeName)}, nil
}

func (s *Server) ReadDataSource(_ context.Context, req *tfprotov5.ReadDataSourceRequest) (*tfprotov5.ReadDataSourceResponse, error) {
	return &tfprotov5.ReadDataSourceResponse{Diagnostics: diag("the Spacelift stand-in has no data source %s", req.TypeName)}, nil
}

func (s *Server) CallFunction(context.Context, *tfprotov5.CallFunctionRequest) (*tfprotov5.CallFunctionResponse, error) {
	return &tfprotov5.CallFunctionResponse{Error: &tfprotov5.FunctionError{Text: "no functions"}}, nil
}

func (s *Server) GetFunctions(context.Context, *tfprotov5.GetFunctionsRequest) (*tfprotov5.GetFunctionsResponse, error) {
	return &tfprotov5.GetFunctionsResponse{Functions: map[string]*tfprotov5.Function{}}, nil
}

func (s *Server) ValidateEphemeralResourceConfig(context.Context, *tfprotov5.ValidateEphemeralResourceConfigRequest) (*tfprotov5.ValidateEphemeralResourceConfigResponse, error) {
	return &tfprotov5.ValidateEphemeralResourceConfigResponse{Diagnostics: diag("no ephemeral resources")}, nil
}

func (s *Server) OpenEphemeralResource(context.Context, *tfprotov5.OpenEphemeralResourceRequest) (*tfprotov5.OpenEphemeralResourceResponse, error) {
	return &tfprotov5.OpenEphemeralResourceResponse{Diagnostics: diag("no ephemeral resources")}, nil
}

func (s *Server) RenewEphemeralResource(context.Context, *tfprotov5.RenewEphemeralResourceRequest) (*tfprotov5.RenewEphemeralResourceResponse, error) {
	return &tfprotov5.RenewEphemeralResourceResponse{Diagnostics: diag("no ephemeral resources")}, nil
}

func (s *Server) CloseEphemeralResource(context.Context, *tfprotov5.CloseEphemeralResourceRequest) (*tfprotov5.CloseEphemeralResourceResponse, error) {
	return &tfprotov5.CloseEphemeralResourceResponse{Diagnostics: diag("no ephemeral resources")}, nil
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// ---- values ----

func decode(dv *tfprotov5.DynamicValue, t tftypes.Object) (Values, error) {
	if dv == nil {
		return nil, nil
	}
	v, err := dv.Unmarshal(t)
	if err != nil {
		return nil, err
	}
	g, err := fromTF(v)
	if err != nil || g == nil {
		return nil, err
	}
	m, _ := g.(map[string]any)
	return m, nil
}

func encode(t tftypes.Object, vals Values) (*tfprotov5.DynamicValue, error) {
	var v tftypes.Value
	if vals == nil {
		v = tftypes.NewValue(t, nil)
	} else {
		var err error
		if v, err = toTF(t, vals); err != nil {
			return nil, err
		}
	}
	dv, err := tfprotov5.NewDynamicValue(t, v)
	return &dv, err
}

func fromTF(v tftypes.Value) (any, error) {
	if !v.IsKnown() {
		return Unknown{}, nil
	}
	if v.IsNull() {
		return nil, nil
	}
	t := v.Type()
	switch {
	case t.Is(tftypes.String):
		var s string
		return s, v.As(&s)
	case t.Is(tftypes.Bool):
		var b bool
		return b, v.As(&b)
	case t.Is(tftypes.Number):
		var f big.Float
		if err := v.As(&f); err != nil {
			return nil, err
		}
		x, _ := f.Float64()
		return x, nil
	case t.Is(tftypes.List{}), t.Is(tftypes.Set{}):
		var items []tftypes.Value
		if err := v.As(&items); err != nil {
			return nil, err
		}
		out := []any{}
		for _, item := range items {
			g, err := fromTF(item)
			if err != nil {
				return nil, err
			}
			out = append(out, g)
		}
		return out, nil
	case t.Is(tftypes.Object{}):
		var attrs map[string]tftypes.Value
		if err := v.As(&attrs); err != nil {
			return nil, err
		}
		out := map[string]any{}
		for k, a := range attrs {
			g, err := fromTF(a)
			if err != nil {
				return nil, err
			}
			out[k] = g
		}
		return out, nil
	}
	return nil, fmt.Errorf("unsupported type %s", t)
}

func toTF(t tftypes.Type, x any) (tftypes.Value, error) {
	if x == nil {
		return tftypes.NewValue(t, nil), nil
	}
	if _, ok := x.(Unknown); ok {
		return tftypes.NewValue(t, tftypes.UnknownValue), nil
	}
	switch tt := t.(type) {
	case tftypes.Object:
		m, ok := x.(map[string]any)
		if !ok {
			return tftypes.Value{}, fmt.Errorf("want an object, got %T", x)
		}
		vals := map[string]tftypes.Value{}
		for k, at := range tt.AttributeTypes {
			v, err := toTF(at, m[k])
			if err != nil {
				return tftypes.Value{}, fmt.Errorf("%s: %w", k, err)
			}
			vals[k] = v
		}
		return tftypes.NewValue(t, vals), nil
	case tftypes.List, tftypes.Set:
		var elem tftypes.Type
		if l, ok := tt.(tftypes.List); ok {
			elem = l.ElementType
		} else {
			elem = tt.(tftypes.Set).ElementType
		}
		items, ok := x.([]any)
		if !ok {
			return tftypes.Value{}, fmt.Errorf("want a list, got %T", x)
		}
		var vals []tftypes.Value
		for _, item := range items {
			v, err := toTF(elem, item)
			if err != nil {
				return tftypes.Value{}, err
			}
			vals = append(vals, v)
		}
		return tftypes.NewValue(t, vals), nil
	}
	switch {
	case t.Is(tftypes.Number):
		switch n := x.(type) {
		case float64:
			return tftypes.NewValue(t, big.NewFloat(n)), nil
		case int:
			return tftypes.NewValue(t, big.NewFloat(float64(n))), nil
		}
	case t.Is(tftypes.String):
		if s, ok := x.(string); ok {
			return tftypes.NewValue(t, s), nil
		}
	case t.Is(tftypes.Bool):
		if b, ok := x.(bool); ok {
			return tftypes.NewValue(t, b), nil
		}
	}
	return tftypes.Value{}, fmt.Errorf("value %v (%T) does not fit %s", x, x, t)
}
