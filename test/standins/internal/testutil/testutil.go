// Package testutil drives a pprov server in-process, as the engine would.
package testutil

import (
	"context"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/signed-runs/standins/internal/pprov"
)

// Engine plays the Pulumi engine against one provider server.
type Engine struct {
	T *testing.T
	S *pprov.Server
}

func URN(token, name string) string { return "urn:pulumi:test::standins::" + token + "::" + name }

func Props(m map[string]any) *structpb.Struct {
	pm := resource.NewPropertyMapFromMap(m)
	for k, v := range pm {
		if k == "value" || k == "plaintextValue" {
			pm[k] = resource.MakeSecret(v)
		}
	}
	s, err := plugin.MarshalProperties(pm, plugin.MarshalOptions{KeepSecrets: true, KeepUnknowns: true})
	if err != nil {
		panic(err)
	}
	return s
}

func Map(s *structpb.Struct) resource.PropertyMap {
	pm, err := plugin.UnmarshalProperties(s, plugin.MarshalOptions{KeepSecrets: true, KeepUnknowns: true})
	if err != nil {
		panic(err)
	}
	return pm
}

func (e *Engine) Configure(cfg map[string]any) {
	e.T.Helper()
	if _, err := e.S.Configure(context.Background(), &pulumirpc.ConfigureRequest{Args: Props(cfg)}); err != nil {
		e.T.Fatal(err)
	}
}

// Check returns the checked inputs and the failures.
func (e *Engine) Check(token string, in map[string]any) (*structpb.Struct, []*pulumirpc.CheckFailure) {
	e.T.Helper()
	resp, err := e.S.Check(context.Background(), &pulumirpc.CheckRequest{Urn: URN(token, "r"), News: Props(in)})
	if err != nil {
		e.T.Fatal(err)
	}
	return resp.Inputs, resp.Failures
}

// Resource is one created resource.
type Resource struct {
	Token, ID string
	Inputs    *structpb.Struct
	State     *structpb.Struct
}

// Create checks and creates; a Check failure fails the test.
func (e *Engine) Create(token string, in map[string]any) (*Resource, error) {
	e.T.Helper()
	inputs, failures := e.Check(token, in)
	if len(failures) > 0 {
		e.T.Fatalf("check failed: %v", failures)
	}
	resp, err := e.S.Create(context.Background(), &pulumirpc.CreateRequest{Urn: URN(token, "r"), Properties: inputs})
	if err != nil {
		return nil, err
	}
	return &Resource{Token: token, ID: resp.Id, Inputs: inputs, State: resp.Properties}, nil
}

func (e *Engine) Diff(r *Resource, in map[string]any) *pulumirpc.DiffResponse {
	e.T.Helper()
	news, failures := e.Check(r.Token, in)
	if len(failures) > 0 {
		e.T.Fatalf("check failed: %v", failures)
	}
	resp, err := e.S.Diff(context.Background(), &pulumirpc.DiffRequest{Urn: URN(r.Token, "r"), Id: r.ID, Olds: r.State, OldInputs: r.Inputs, News: news})
	if err != nil {
		e.T.Fatal(err)
	}
	return resp
}

func (e *Engine) Update(r *Resource, in map[string]any) error {
	e.T.Helper()
	news, _ := e.Check(r.Token, in)
	resp, err := e.S.Update(context.Background(), &pulumirpc.UpdateRequest{Urn: URN(r.Token, "r"), Id: r.ID, Olds: r.State, OldInputs: r.Inputs, News: news})
	if err != nil {
		return err
	}
	r.Inputs, r.State = news, resp.Properties
	return nil
}

func (e *Engine) Read(r *Resource) *pulumirpc.ReadResponse {
	e.T.Helper()
	resp, err := e.S.Read(context.Background(), &pulumirpc.ReadRequest{Urn: URN(r.Token, "r"), Id: r.ID, Properties: r.State, Inputs: r.Inputs})
	if err != nil {
		e.T.Fatal(err)
	}
	return resp
}

func (e *Engine) Delete(r *Resource) error {
	_, err := e.S.Delete(context.Background(), &pulumirpc.DeleteRequest{Urn: URN(r.Token, "r"), Id: r.ID, Properties: r.State, OldInputs: r.Inputs})
	return err
}
