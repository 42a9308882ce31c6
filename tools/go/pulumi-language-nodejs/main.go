// pulumi-language-nodejs is a minimal Node.js language host for the Pulumi engine.
//
// Pulumi's own host is not published as a Go module or npm package this project can
// fetch, so this one implements just what `pulumi up/preview/destroy` and the
// Automation API need from a language host:
//
//   - GetPluginInfo and Handshake;
//   - GetRequiredPackages: the provider packages installed in node_modules
//     (package.json files with "pulumi": {"resource": true});
//   - Run: starts `node <node_modules>/@pulumi/pulumi/cmd/run` with the flags and
//     environment variables that program reads (see sdk/nodejs/cmd/run in pulumi/pulumi).
//
// Everything else (InstallDependencies, templates, `pulumi about`, code generation)
// answers Unimplemented.
package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// The version this host reports; it follows the engine it is built with.
const hostVersion = "3.274.1"

// The SDK exits with this code once it has already shown the user the error (sdk/nodejs/cmd/run/index.ts).
const exitErrorAlreadyReported = 32

func main() {
	engineAddress := parseArgs(os.Args[1:])
	host := &languageHost{engineAddress: engineAddress}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, host)
			return nil
		},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: could not start the gRPC server: %v\n", err)
		os.Exit(1)
	}
	// The engine reads the port from the first line of stdout.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: %v\n", err)
		os.Exit(1)
	}
}

// parseArgs returns the engine address, the last positional argument. The engine may also pass
// logging and tracing flags (--logtostderr, -v=N, --tracing URL); they are accepted and ignored.
func parseArgs(args []string) string {
	engine := ""
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--tracing" || a == "-tracing" || a == "--root" || a == "-root":
			i++ // the flag's value
		case strings.HasPrefix(a, "-"):
		default:
			engine = a
		}
	}
	return engine
}

type languageHost struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	engineAddress string
}

func (h *languageHost) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: hostVersion}, nil
}

func (h *languageHost) Handshake(_ context.Context, req *pulumirpc.LanguageHandshakeRequest) (*pulumirpc.LanguageHandshakeResponse, error) {
	if req.GetEngineAddress() != "" {
		h.engineAddress = req.GetEngineAddress()
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

// GetRequiredPackages lists the resource provider packages found in the node_modules
// folders that Node would search from the program directory.
func (h *languageHost) GetRequiredPackages(_ context.Context, req *pulumirpc.GetRequiredPackagesRequest) (*pulumirpc.GetRequiredPackagesResponse, error) {
	dir := req.GetInfo().GetProgramDirectory()
	if dir == "" {
		return nil, errors.New("GetRequiredPackages: the request names no program directory")
	}
	seen := map[string]*pulumirpc.PackageDependency{}
	for d := dir; ; d = filepath.Dir(d) {
		modules := filepath.Join(d, "node_modules")
		if info, err := os.Stat(modules); err == nil && info.IsDir() {
			if err := collectPackages(modules, seen); err != nil {
				return nil, err
			}
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	keys := make([]string, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	packages := make([]*pulumirpc.PackageDependency, 0, len(keys))
	for _, k := range keys {
		packages = append(packages, seen[k])
	}
	return &pulumirpc.GetRequiredPackagesResponse{Packages: packages}, nil
}

// packageJSON is the part of a package.json that names a Pulumi provider.
type packageJSON struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Pulumi  struct {
		Resource         bool   `json:"resource"`
		Name             string `json:"name"`
		Version          string `json:"version"`
		Server           string `json:"server"`
		Parameterization *struct {
			Name    string `json:"name"`
			Version string `json:"version"`
			Value   string `json:"value"` // base64
		} `json:"parameterization"`
	} `json:"pulumi"`
}

// collectPackages reads every package (and @scope/package) in one node_modules folder,
// and the node_modules folders nested in them.
func collectPackages(modules string, seen map[string]*pulumirpc.PackageDependency) error {
	entries, err := os.ReadDir(modules)
	if err != nil {
		return err
	}
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		path := filepath.Join(modules, name)
		if strings.HasPrefix(name, "@") {
			scoped, err := os.ReadDir(path)
			if err != nil {
				continue
			}
			for _, s := range scoped {
				if err := readPackage(filepath.Join(path, s.Name()), seen); err != nil {
					return err
				}
			}
			continue
		}
		if err := readPackage(path, seen); err != nil {
			return err
		}
	}
	return nil
}

func readPackage(dir string, seen map[string]*pulumirpc.PackageDependency) error {
	data, err := os.ReadFile(filepath.Join(dir, "package.json"))
	if err != nil {
		return nil // not a package (or a dangling link): nothing to require
	}
	var pkg packageJSON
	if err := json.Unmarshal(data, &pkg); err != nil {
		return fmt.Errorf("reading %s: %w", filepath.Join(dir, "package.json"), err)
	}
	if pkg.Pulumi.Resource {
		dep, err := dependencyOf(pkg)
		if err != nil {
			return fmt.Errorf("%s: %w", filepath.Join(dir, "package.json"), err)
		}
		key := dep.Name + "@" + dep.Version
		if dep.Parameterization != nil {
			key += "/" + dep.Parameterization.Name + "@" + dep.Parameterization.Version
		}
		seen[key] = dep
	}
	nested := filepath.Join(dir, "node_modules")
	if info, err := os.Stat(nested); err == nil && info.IsDir() {
		return collectPackages(nested, seen)
	}
	return nil
}

func dependencyOf(pkg packageJSON) (*pulumirpc.PackageDependency, error) {
	name := pkg.Pulumi.Name
	if name == "" {
		// "@pulumi/random" is the plugin "random"; another scope keeps its name without the "@".
		name = strings.TrimPrefix(strings.TrimPrefix(pkg.Name, "@pulumi/"), "@")
	}
	version := pkg.Pulumi.Version
	if version == "" {
		version = pkg.Version
	}
	if name == "" || version == "" {
		return nil, errors.New(`a Pulumi resource package needs a "name" and a "version"`)
	}
	dep := &pulumirpc.PackageDependency{
		Name:    name,
		Kind:    "resource",
		Version: "v" + strings.TrimPrefix(version, "v"),
		Server:  pkg.Pulumi.Server,
	}
	if p := pkg.Pulumi.Parameterization; p != nil {
		value, err := base64.StdEncoding.DecodeString(p.Value)
		if err != nil {
			return nil, fmt.Errorf("pulumi.parameterization.value is not base64: %w", err)
		}
		dep.Parameterization = &pulumirpc.PackageParameterization{Name: p.Name, Version: p.Version, Value: value}
	}
	return dep, nil
}

// Run starts the Node.js program and waits for it.
func (h *languageHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	programDir := info.GetProgramDirectory()
	if programDir == "" {
		programDir = req.GetPwd()
	}
	runPath, err := findRunScript(programDir)
	if err != nil {
		return nil, err
	}
	options := info.GetOptions().AsMap()

	args := nodeArgs(options)
	args = append(args, runPath, "--monitor", req.GetMonitorAddress())
	flag := func(name, value string) {
		if value != "" {
			args = append(args, "--"+name, value)
		}
	}
	flag("engine", h.engineAddress)
	flag("organization", req.GetOrganization())
	flag("project", req.GetProject())
	flag("stack", req.GetStack())
	flag("pwd", req.GetPwd())
	flag("root-directory", info.GetRootDirectory())
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	if req.GetParallel() > 0 {
		flag("parallel", strconv.Itoa(int(req.GetParallel())))
	}
	// The program: the entry point relative to the program directory, or "." for package.json's main.
	program := "."
	if entry := info.GetEntryPoint(); entry != "" && entry != "." {
		program = filepath.Join(programDir, entry)
	} else if programDir != "" {
		program = programDir
	}
	args = append(args, program)
	args = append(args, req.GetArgs()...)

	config, err := json.Marshal(req.GetConfig())
	if err != nil {
		return nil, err
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secretKeysJSON, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, err
	}
	env := append(os.Environ(),
		"PULUMI_CONFIG="+string(config),
		"PULUMI_CONFIG_SECRET_KEYS="+string(secretKeysJSON),
		"PULUMI_NODEJS_TYPESCRIPT="+strconv.FormatBool(boolOption(options, "typescript", true)),
	)
	if tsconfig, ok := options["tsconfig"].(string); ok && tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+tsconfig)
	}

	cmd := exec.CommandContext(ctx, "node", args...)
	cmd.Dir = req.GetPwd()
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	cmd.Env = env
	// If the engine kills this host, Node goes with it rather than living on under PID 1.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			if exit.ExitCode() == exitErrorAlreadyReported {
				return &pulumirpc.RunResponse{Bail: true}, nil
			}
			return &pulumirpc.RunResponse{Error: fmt.Sprintf("the Node.js program exited with code %d", exit.ExitCode())}, nil
		}
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("could not start node: %v", err)}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}

// findRunScript looks for @pulumi/pulumi the way Node's require would from the program directory.
func findRunScript(dir string) (string, error) {
	for d := dir; ; d = filepath.Dir(d) {
		candidate := filepath.Join(d, "node_modules", "@pulumi", "pulumi", "cmd", "run")
		if _, err := os.Stat(filepath.Join(candidate, "index.js")); err == nil {
			return candidate, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("@pulumi/pulumi is not installed in or above %s: run npm install", dir)
		}
	}
}

// nodeArgs returns the runtime option "nodeargs" (extra flags for node), split on spaces.
func nodeArgs(options map[string]any) []string {
	if s, ok := options["nodeargs"].(string); ok && strings.TrimSpace(s) != "" {
		return strings.Fields(s)
	}
	return nil
}

func boolOption(options map[string]any, key string, fallback bool) bool {
	switch v := options[key].(type) {
	case bool:
		return v
	case string:
		if b, err := strconv.ParseBool(v); err == nil {
			return b
		}
	}
	return fallback
}
