// Package pprov is a small Pulumi resource provider server for the stand-ins:
// each resource declares its input properties (names and types taken from the
// real provider's SDK), which properties force a replacement, and its CRUD
// against a fake world. The server does the protocol work: schema checks in
// Check, diffs against the old inputs, previews with unknown outputs, and
// secret outputs.
package pprov

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
)

// Kind is a property's type.
type Kind int

const (
	String Kind = iota
	Bool
	Int
	Number
	List
	Map // of strings
	Object
)

// Type describes a property value.
type Type struct {
	Kind   Kind
	Elem   *Type  // List
	Fields []Prop // Object
}

// Prop is one input property.
type Prop struct {
	Name     string
	Type     Type
	Required bool
	ForceNew bool
}

// Unknown stands for a value not known during a preview.
type Unknown struct{}

// Values is a property map with secrets unwrapped and numbers as float64.
type Values = map[string]any

// Call carries what a resource operation needs besides its properties.
type Call struct {
	Ctx     context.Context
	Config  map[string]string
	Token   string
	Preview bool
}

// Resource is one resource type of a provider.
type Resource struct {
	Token  string
	Inputs []Prop
	// Validate adds rules beyond types (one-of, ranges); messages name the property.
	Validate func(in Values) []Failure
	// Defaults fills in defaults the real provider applies in Check.
	Defaults func(in Values)
	// Computed lists the output-only properties (unknown during a preview).
	Computed      []string
	SecretOutputs []string
	Create        func(c *Call, in Values) (string, Values, error)
	// Read returns nil outputs when the object is gone.
	Read   func(c *Call, id string, in, state Values) (Values, Values, error)
	Update func(c *Call, id string, oldIn, newIn, state Values) (Values, error)
	Delete func(c *Call, id string, in, state Values) error
}

// Failure is one Check failure.
type Failure struct{ Property, Reason string }

// Provider is a whole provider plugin.
type Provider struct {
	Name, Version string
	ConfigKeys    []string
	// ConfigEnv maps config keys to the environment variables the real provider reads as fallbacks.
	ConfigEnv map[string]string
	Resources []*Resource
}

// Server implements the Pulumi resource provider protocol for a Provider.
type Server struct {
	pulumirpc.UnimplementedResourceProviderServer
	p      *Provider
	byTok  map[string]*Resource
	mu     sync.Mutex
	config map[string]string
}

// NewServer builds the server.
func NewServer(p *Provider) *Server {
	s := &Server{p: p, byTok: map[string]*Resource{}, config: map[string]string{}}
	for _, r := range p.Resources {
		s.byTok[r.Token] = r
	}
	return s
}

func (s *Server) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: s.p.Version}, nil
}

func (s *Server) Handshake(context.Context, *pulumirpc.ProviderHandshakeRequest) (*pulumirpc.ProviderHandshakeResponse, error) {
	return &pulumirpc.ProviderHandshakeResponse{AcceptSecrets: true, AcceptResources: true}, nil
}

func (s *Server) GetSchema(context.Context, *pulumirpc.GetSchemaRequest) (*pulumirpc.GetSchemaResponse, error) {
	// A minimal schema: the engine does not need more for up/preview/destroy.
	resources := map[string]any{}
	for _, r := range s.p.Resources {
		props := map[string]any{}
		for _, p := range r.Inputs {
			props[p.Name] = map[string]any{"type": schemaType(p.Type.Kind)}
		}
		resources[r.Token] = map[string]any{"inputProperties": props, "properties": props}
	}
	out, _ := json.Marshal(map[string]any{"name": s.p.Name, "version": s.p.Version, "resources": resources})
	return &pulumirpc.GetSchemaResponse{Schema: string(out)}, nil
}

func schemaType(k Kind) string {
	switch k {
	case Bool:
		return "boolean"
	case Int:
		return "integer"
	case Number:
		return "number"
	case List:
		return "array"
	case Map, Object:
		return "object"
	}
	return "string"
}

func (s *Server) GetMapping(context.Context, *pulumirpc.GetMappingRequest) (*pulumirpc.GetMappingResponse, error) {
	return &pulumirpc.GetMappingResponse{}, nil
}

func (s *Server) GetMappings(context.Context, *pulumirpc.GetMappingsRequest) (*pulumirpc.GetMappingsResponse, error) {
	return &pulumirpc.GetMappingsResponse{}, nil
}

func (s *Server) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

// configKey is true for keys the engine adds to every provider's inputs.
func engineKey(k string) bool {
	return k == "version" || k == "pluginDownloadURL" || strings.HasPrefix(k, "__")
}

func (s *Server) CheckConfig(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	news, err := unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	var failures []*pulumirpc.CheckFailure
	for k := range news {
		if engineKey(string(k)) {
			continue
		}
		if !contains(s.p.ConfigKeys, string(k)) {
			failures = append(failures, &pulumirpc.CheckFailure{Property: string(k), Reason: fmt.Sprintf("could not validate provider configuration: Invalid or unknown key %q (the %s provider has: %s)", k, s.p.Name, strings.Join(s.p.ConfigKeys, ", "))})
		}
	}
	return &pulumirpc.CheckResponse{Inputs: req.GetNews(), Failures: failures}, nil
}

func (s *Server) DiffConfig(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	olds, err := unmarshal(req.GetOldInputs())
	if err != nil {
		return nil, err
	}
	news, err := unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	var diffs []string
	for _, k := range s.p.ConfigKeys {
		if !reflect.DeepEqual(plain(olds[resource.PropertyKey(k)]), plain(news[resource.PropertyKey(k)])) {
			diffs = append(diffs, k)
		}
	}
	if len(diffs) == 0 {
		return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}, nil
	}
	return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_SOME, Diffs: diffs}, nil
}

func (s *Server) Configure(_ context.Context, req *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
	cfg := map[string]string{}
	if req.GetArgs() != nil {
		args, err := unmarshal(req.GetArgs())
		if err != nil {
			return nil, err
		}
		for k, v := range args {
			if str, ok := plain(v).(string); ok {
				cfg[string(k)] = str
			} else if b, err := json.Marshal(plain(v)); err == nil && plain(v) != nil {
				cfg[string(k)] = string(b)
			}
		}
	} else {
		for k, v := range req.GetVariables() {
			cfg[k[strings.LastIndex(k, ":")+1:]] = v
		}
	}
	for key, env := range s.p.ConfigEnv {
		if cfg[key] == "" {
			if v := lookupEnv(env); v != "" {
				cfg[key] = v
			}
		}
	}
	s.mu.Lock()
	s.config = cfg
	s.mu.Unlock()
	return &pulumirpc.ConfigureResponse{AcceptSecrets: true, SupportsPreview: true, AcceptResources: true}, nil
}

func (s *Server) resource(urn string) (*Resource, error) {
	tok := string(resource.URN(urn).Type())
	r, ok := s.byTok[tok]
	if !ok {
		return nil, fmt.Errorf("unrecognized resource type (Check): %s (the %s stand-in models: %s)", tok, s.p.Name, strings.Join(s.tokens(), ", "))
	}
	return r, nil
}

func (s *Server) tokens() []string {
	var out []string
	for _, r := range s.p.Resources {
		out = append(out, r.Token)
	}
	return out
}

func (s *Server) call(ctx context.Context, tok string, preview bool) *Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	cfg := map[string]string{}
	for k, v := range s.config {
		cfg[k] = v
	}
	return &Call{Ctx: ctx, Config: cfg, Token: tok, Preview: preview}
}

func (s *Server) Check(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	r, err := s.resource(req.GetUrn())
	if err != nil {
		return nil, err
	}
	news, err := unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	var failures []*pulumirpc.CheckFailure
	for _, f := range CheckProps(r.Inputs, news) {
		failures = append(failures, &pulumirpc.CheckFailure{Property: f.Property, Reason: f.Reason})
	}
	in := Plain(news)
	if len(failures) == 0 && r.Validate != nil {
		for _, f := range r.Validate(in) {
			failures = append(failures, &pulumirpc.CheckFailure{Property: f.Property, Reason: f.Reason})
		}
	}
	if len(failures) > 0 {
		return &pulumirpc.CheckResponse{Inputs: req.GetNews(), Failures: failures}, nil
	}
	if r.Defaults != nil {
		before := Plain(news)
		r.Defaults(in)
		for k, v := range in {
			if _, had := before[k]; !had {
				news[resource.PropertyKey(k)] = toPV(v)
			}
		}
	}
	out, err := marshal(news)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.CheckResponse{Inputs: out}, nil
}

// CheckProps checks names and types of the given inputs against the declared ones.
func CheckProps(props []Prop, pm resource.PropertyMap) []Failure {
	var failures []Failure
	known := map[string]Prop{}
	for _, p := range props {
		known[p.Name] = p
	}
	var keys []string
	for k := range pm {
		keys = append(keys, string(k))
	}
	sort.Strings(keys)
	for _, k := range keys {
		if engineKey(k) {
			continue
		}
		p, ok := known[k]
		if !ok {
			failures = append(failures, Failure{k, fmt.Sprintf("Invalid or unknown key %q; valid properties are: %s", k, names(props))})
			continue
		}
		failures = append(failures, checkValue(k, p.Type, pm[resource.PropertyKey(k)])...)
	}
	for _, p := range props {
		v, ok := pm[resource.PropertyKey(p.Name)]
		if p.Required && (!ok || v.IsNull()) {
			failures = append(failures, Failure{p.Name, fmt.Sprintf("Missing required property '%s'", p.Name)})
		}
	}
	return failures
}

func names(props []Prop) string {
	var out []string
	for _, p := range props {
		out = append(out, p.Name)
	}
	return strings.Join(out, ", ")
}

func checkValue(path string, t Type, v resource.PropertyValue) []Failure {
	for v.IsSecret() {
		v = v.SecretValue().Element
	}
	if v.IsOutput() {
		o := v.OutputValue()
		if !o.Known {
			return nil
		}
		v = o.Element
	}
	if v.IsComputed() || v.IsNull() {
		return nil
	}
	bad := func(want string) []Failure {
		return []Failure{{path, fmt.Sprintf("%s: expected %s, got %s", path, want, v.TypeString())}}
	}
	switch t.Kind {
	case String:
		if !v.IsString() {
			return bad("string")
		}
	case Bool:
		if !v.IsBool() {
			return bad("boolean")
		}
	case Number:
		if !v.IsNumber() {
			return bad("number")
		}
	case Int:
		if !v.IsNumber() {
			return bad("integer")
		}
		if f := v.NumberValue(); f != math.Trunc(f) {
			return []Failure{{path, fmt.Sprintf("%s: expected an integer, got %v", path, f)}}
		}
	case List:
		if !v.IsArray() {
			return bad("array")
		}
		var out []Failure
		for i, e := range v.ArrayValue() {
			out = append(out, checkValue(fmt.Sprintf("%s[%d]", path, i), *t.Elem, e)...)
		}
		return out
	case Map:
		if !v.IsObject() {
			return bad("map of strings")
		}
		var out []Failure
		for k, e := range v.ObjectValue() {
			out = append(out, checkValue(path+"."+string(k), Type{Kind: String}, e)...)
		}
		return out
	case Object:
		if !v.IsObject() {
			return bad("object")
		}
		var out []Failure
		for _, f := range CheckProps(t.Fields, v.ObjectValue()) {
			out = append(out, Failure{path + "." + f.Property, f.Reason})
		}
		return out
	}
	return nil
}

func (s *Server) Diff(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	r, err := s.resource(req.GetUrn())
	if err != nil {
		return nil, err
	}
	oldPM, err := unmarshal(req.GetOldInputs())
	if err != nil {
		return nil, err
	}
	if len(oldPM) == 0 {
		// Older engines send only the state; the inputs are part of it.
		if oldPM, err = unmarshal(req.GetOlds()); err != nil {
			return nil, err
		}
	}
	newPM, err := unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	olds, news := Plain(oldPM), Plain(newPM)
	var diffs, replaces []string
	detailed := map[string]*pulumirpc.PropertyDiff{}
	for _, p := range r.Inputs {
		o, n := olds[p.Name], news[p.Name]
		_, unknown := n.(Unknown)
		if !unknown && reflect.DeepEqual(o, n) {
			continue
		}
		diffs = append(diffs, p.Name)
		kind := pulumirpc.PropertyDiff_UPDATE
		switch {
		case o == nil:
			kind = pulumirpc.PropertyDiff_ADD
		case n == nil:
			kind = pulumirpc.PropertyDiff_DELETE
		}
		if p.ForceNew {
			replaces = append(replaces, p.Name)
			kind += 1 // the _REPLACE variant follows each kind
		}
		detailed[p.Name] = &pulumirpc.PropertyDiff{Kind: kind, InputDiff: true}
	}
	changes := pulumirpc.DiffResponse_DIFF_NONE
	if len(diffs) > 0 {
		changes = pulumirpc.DiffResponse_DIFF_SOME
	}
	return &pulumirpc.DiffResponse{Changes: changes, Diffs: diffs, Replaces: replaces, DetailedDiff: detailed, HasDetailedDiff: true}, nil
}

func (s *Server) outputs(r *Resource, in, out Values) (*structpb.Struct, error) {
	pm := resource.PropertyMap{}
	for k, v := range out {
		pv := toPV(v)
		if contains(r.SecretOutputs, k) && !pv.IsNull() {
			pv = resource.MakeSecret(pv)
		}
		pm[resource.PropertyKey(k)] = pv
	}
	return marshal(pm)
}

func (s *Server) Create(ctx context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	r, err := s.resource(req.GetUrn())
	if err != nil {
		return nil, err
	}
	newPM, err := unmarshal(req.GetProperties())
	if err != nil {
		return nil, err
	}
	in := Plain(newPM)
	if req.GetPreview() {
		out := Values{}
		for k, v := range in {
			out[k] = v
		}
		for _, k := range r.Computed {
			out[k] = Unknown{}
		}
		props, err := s.outputs(r, in, out)
		return &pulumirpc.CreateResponse{Properties: props}, err
	}
	id, out, err := r.Create(s.call(ctx, r.Token, false), in)
	if err != nil {
		return nil, err
	}
	props, err := s.outputs(r, in, out)
	return &pulumirpc.CreateResponse{Id: id, Properties: props}, err
}

func (s *Server) Read(ctx context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	r, err := s.resource(req.GetUrn())
	if err != nil {
		return nil, err
	}
	statePM, err := unmarshal(req.GetProperties())
	if err != nil {
		return nil, err
	}
	inPM, err := unmarshal(req.GetInputs())
	if err != nil {
		return nil, err
	}
	in, out, err := r.Read(s.call(ctx, r.Token, false), req.GetId(), Plain(inPM), Plain(statePM))
	if err != nil {
		return nil, err
	}
	if out == nil {
		return &pulumirpc.ReadResponse{}, nil
	}
	props, err := s.outputs(r, in, out)
	if err != nil {
		return nil, err
	}
	// Keep the secret-ness of the old inputs.
	inProps := resource.PropertyMap{}
	for k, v := range in {
		pv := toPV(v)
		if old, ok := inPM[resource.PropertyKey(k)]; ok && old.ContainsSecrets() {
			pv = resource.MakeSecret(pv)
		}
		inProps[resource.PropertyKey(k)] = pv
	}
	inputs, err := marshal(inProps)
	return &pulumirpc.ReadResponse{Id: req.GetId(), Properties: props, Inputs: inputs}, err
}

func (s *Server) Update(ctx context.Context, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	r, err := s.resource(req.GetUrn())
	if err != nil {
		return nil, err
	}
	statePM, err := unmarshal(req.GetOlds())
	if err != nil {
		return nil, err
	}
	oldInPM, err := unmarshal(req.GetOldInputs())
	if err != nil {
		return nil, err
	}
	newPM, err := unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	state, newIn := Plain(statePM), Plain(newPM)
	if req.GetPreview() {
		out := Values{}
		for k, v := range state {
			out[k] = v
		}
		for k, v := range newIn {
			out[k] = v
		}
		for _, k := range r.Computed {
			if _, ok := out[k]; !ok {
				out[k] = Unknown{}
			}
		}
		props, err := s.outputs(r, newIn, out)
		return &pulumirpc.UpdateResponse{Properties: props}, err
	}
	out, err := r.Update(s.call(ctx, r.Token, false), req.GetId(), Plain(oldInPM), newIn, state)
	if err != nil {
		return nil, err
	}
	props, err := s.outputs(r, newIn, out)
	return &pulumirpc.UpdateResponse{Properties: props}, err
}

func (s *Server) Delete(ctx context.Context, req *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	r, err := s.resource(req.GetUrn())
	if err != nil {
		return nil, err
	}
	statePM, err := unmarshal(req.GetProperties())
	if err != nil {
		return nil, err
	}
	inPM, err := unmarshal(req.GetOldInputs())
	if err != nil {
		return nil, err
	}
	in := Plain(inPM)
	if len(in) == 0 {
		in = Plain(statePM)
	}
	return &emptypb.Empty{}, r.Delete(s.call(ctx, r.Token, false), req.GetId(), in, Plain(statePM))
}

func unmarshal(s *structpb.Struct) (resource.PropertyMap, error) {
	if s == nil {
		return resource.PropertyMap{}, nil
	}
	return plugin.UnmarshalProperties(s, plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, SkipNulls: true, KeepOutputValues: true})
}

func marshal(pm resource.PropertyMap) (*structpb.Struct, error) {
	return plugin.MarshalProperties(pm, plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, SkipNulls: true})
}

// Plain turns a property map into Go values: secrets unwrapped, unknowns as Unknown{}.
func Plain(pm resource.PropertyMap) Values {
	out := Values{}
	for k, v := range pm {
		if p := plain(v); p != nil {
			out[string(k)] = p
		}
	}
	return out
}

func plain(v resource.PropertyValue) any {
	switch {
	case v.IsSecret():
		return plain(v.SecretValue().Element)
	case v.IsOutput():
		o := v.OutputValue()
		if !o.Known {
			return Unknown{}
		}
		return plain(o.Element)
	case v.IsComputed():
		return Unknown{}
	case v.IsNull():
		return nil
	case v.IsString():
		return v.StringValue()
	case v.IsBool():
		return v.BoolValue()
	case v.IsNumber():
		return v.NumberValue()
	case v.IsArray():
		var out []any
		for _, e := range v.ArrayValue() {
			out = append(out, plain(e))
		}
		if out == nil {
			out = []any{}
		}
		return out
	case v.IsObject():
		m := Values{}
		for k, e := range v.ObjectValue() {
			if p := plain(e); p != nil {
				m[string(k)] = p
			}
		}
		return m
	}
	return nil
}

func toPV(v any) resource.PropertyValue {
	switch x := v.(type) {
	case nil:
		return resource.NewNullProperty()
	case Unknown:
		return resource.MakeComputed(resource.NewStringProperty(""))
	case string:
		return resource.NewStringProperty(x)
	case bool:
		return resource.NewBoolProperty(x)
	case float64:
		return resource.NewNumberProperty(x)
	case int:
		return resource.NewNumberProperty(float64(x))
	case []any:
		arr := make([]resource.PropertyValue, 0, len(x))
		for _, e := range x {
			arr = append(arr, toPV(e))
		}
		return resource.NewArrayProperty(arr)
	case map[string]any:
		pm := resource.PropertyMap{}
		for k, e := range x {
			pm[resource.PropertyKey(k)] = toPV(e)
		}
		return resource.NewObjectProperty(pm)
	}
	panic(fmt.Sprintf("pprov: cannot convert %T", v))
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}
