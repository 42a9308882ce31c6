// Package world keeps a stand-in service's state ("fake world") in a JSON file.
//
// Several provider processes (the engine starts one per provider, and runs
// resource operations in parallel) and the tests share the file, so every
// access holds an exclusive flock on FILE.lock and a write replaces the file
// atomically. A transaction whose function fails writes nothing.
package world

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

// Store is one fake world file.
type Store[T any] struct {
	Path string
	mu   sync.Mutex
}

// FromEnv opens the world named by the environment variable env.
func FromEnv[T any](env string) (*Store[T], error) {
	path := os.Getenv(env)
	if path == "" {
		return nil, fmt.Errorf("%s is not set: the stand-in keeps its fake world in the file it names", env)
	}
	return &Store[T]{Path: path}, nil
}

// Update runs fn on the current world and saves the result if fn returns nil.
func (s *Store[T]) Update(fn func(w *T) error) error { return s.tx(true, fn) }

// View runs fn on the current world and saves nothing.
func (s *Store[T]) View(fn func(w *T) error) error { return s.tx(false, fn) }

func (s *Store[T]) tx(write bool, fn func(w *T) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := os.MkdirAll(filepath.Dir(s.Path), 0o755); err != nil {
		return err
	}
	lock, err := os.OpenFile(s.Path+".lock", os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return err
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN) //nolint:errcheck
	w := new(T)
	data, err := os.ReadFile(s.Path)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return err
	case len(strings.TrimSpace(string(data))) > 0:
		if err := json.Unmarshal(data, w); err != nil {
			return fmt.Errorf("fake world %s is not valid: %w", s.Path, err)
		}
	}
	if err := fn(w); err != nil {
		return err
	}
	if !write {
		return nil
	}
	out, err := json.MarshalIndent(w, "", "  ")
	if err != nil {
		return err
	}
	tmp := s.Path + ".tmp"
	if err := os.WriteFile(tmp, append(out, '\n'), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, s.Path)
}

// Faults is the part of a world that counts calls for fault injection, so a
// fault fires once even across provider processes and engine runs.
type Faults struct {
	Calls map[string]int  `json:"calls,omitempty"`
	Fired map[string]bool `json:"fired,omitempty"`
}

// FaultRule is "KIND:RESOURCE:N": the Nth call of KIND ("create", "update",
// "delete", "read") on RESOURCE (the type's last token part, e.g.
// "ActionsSecret", or "*") fails once.
type FaultRule struct {
	Kind, Resource string
	N              int
}

// ParseFaultRules reads a comma-separated list of rules.
func ParseFaultRules(spec string) ([]FaultRule, error) {
	var rules []FaultRule
	for _, part := range strings.Split(spec, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		fields := strings.Split(part, ":")
		if len(fields) != 3 {
			return nil, fmt.Errorf("fault rule %q: want KIND:RESOURCE:N, e.g. create:ActionsSecret:2", part)
		}
		n, err := strconv.Atoi(fields[2])
		if err != nil || n < 1 {
			return nil, fmt.Errorf("fault rule %q: N must be a positive integer", part)
		}
		switch fields[0] {
		case "create", "update", "delete", "read":
		default:
			return nil, fmt.Errorf("fault rule %q: KIND must be create, update, delete or read", part)
		}
		rules = append(rules, FaultRule{Kind: fields[0], Resource: fields[1], N: n})
	}
	return rules, nil
}

// Count records one call of kind on resource and reports the rule that fires
// for it, if any.
func (f *Faults) Count(rules []FaultRule, kind, resource string) (FaultRule, bool) {
	if f.Calls == nil {
		f.Calls = map[string]int{}
	}
	if f.Fired == nil {
		f.Fired = map[string]bool{}
	}
	var hit FaultRule
	fired := false
	for _, key := range []string{kind + ":" + resource, kind + ":*"} {
		f.Calls[key]++
		for _, r := range rules {
			rk := r.Kind + ":" + r.Resource
			id := fmt.Sprintf("%s:%d", rk, r.N)
			if rk == key && f.Calls[key] == r.N && !f.Fired[id] && !fired {
				f.Fired[id] = true
				hit, fired = r, true
			}
		}
	}
	return hit, fired
}
