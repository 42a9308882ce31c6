// Package randomtls holds the random and tls stand-ins: RandomPassword with
// real random values, PrivateKey with real key pairs in the formats of the
// real tls provider. Neither keeps a world: like the real ones, their state
// is the Pulumi state.
package randomtls

import (
	"crypto/rand"
	"fmt"
	"math/big"

	"github.com/signed-runs/standins/internal/pprov"
	"golang.org/x/crypto/bcrypt"
)

// RandomVersion is the plugin version @pulumi/random 4.21.2 requests.
var RandomVersion = "4.21.2"

type T = pprov.Type

var (
	str     = T{Kind: pprov.String}
	boolean = T{Kind: pprov.Bool}
	integer = T{Kind: pprov.Int}
)

// Random is the random stand-in.
func Random() *pprov.Provider {
	return &pprov.Provider{Name: "random", Version: RandomVersion, Resources: []*pprov.Resource{randomPassword()}}
}

func randomPassword() *pprov.Resource {
	// Every input of random_password forces a new password.
	var props []pprov.Prop
	props = append(props, pprov.Prop{Name: "length", Type: integer, Required: true, ForceNew: true})
	for _, name := range []string{"lower", "number", "numeric", "special", "upper"} {
		props = append(props, pprov.Prop{Name: name, Type: boolean, ForceNew: true})
	}
	for _, name := range []string{"minLower", "minNumeric", "minSpecial", "minUpper"} {
		props = append(props, pprov.Prop{Name: name, Type: integer, ForceNew: true})
	}
	props = append(props, pprov.Prop{Name: "overrideSpecial", Type: str, ForceNew: true}, pprov.Prop{Name: "keepers", Type: T{Kind: pprov.Map}, ForceNew: true})
	return &pprov.Resource{
		Token:  "random:index/randomPassword:RandomPassword",
		Inputs: props,
		Validate: func(in pprov.Values) []pprov.Failure {
			length, _ := in["length"].(float64)
			if _, unknown := in["length"].(pprov.Unknown); !unknown && length < 1 {
				return []pprov.Failure{{Property: "length", Reason: "expected length to be at least (1)"}}
			}
			min := 0.0
			for _, k := range []string{"minLower", "minNumeric", "minSpecial", "minUpper"} {
				v, _ := in[k].(float64)
				if v < 0 {
					return []pprov.Failure{{Property: k, Reason: fmt.Sprintf("expected %s to be at least (0)", k)}}
				}
				min += v
			}
			if length > 0 && min > length {
				return []pprov.Failure{{Property: "length", Reason: fmt.Sprintf("length (%v) must be >= minUpper + minLower + minNumeric + minSpecial (%v)", length, min)}}
			}
			return nil
		},
		Defaults: func(in pprov.Values) {
			for _, k := range []string{"lower", "number", "numeric", "special", "upper"} {
				if _, ok := in[k]; !ok {
					in[k] = true
				}
			}
			for _, k := range []string{"minLower", "minNumeric", "minSpecial", "minUpper"} {
				if _, ok := in[k]; !ok {
					in[k] = 0.0
				}
			}
		},
		Computed:      []string{"result", "bcryptHash"},
		SecretOutputs: []string{"result", "bcryptHash"},
		Create: func(c *pprov.Call, in pprov.Values) (string, pprov.Values, error) {
			result, err := password(in)
			if err != nil {
				return "", nil, err
			}
			hash, err := bcrypt.GenerateFromPassword([]byte(result), bcrypt.DefaultCost)
			if err != nil {
				return "", nil, err
			}
			out := pprov.Values{}
			for k, v := range in {
				out[k] = v
			}
			out["result"], out["bcryptHash"] = result, string(hash)
			return "none", out, nil
		},
		Read: func(c *pprov.Call, _ string, in, state pprov.Values) (pprov.Values, pprov.Values, error) {
			return in, state, nil
		},
		Update: func(c *pprov.Call, _ string, _, in, state pprov.Values) (pprov.Values, error) {
			return state, nil // every input forces a replacement; nothing reaches here
		},
		Delete: func(*pprov.Call, string, pprov.Values, pprov.Values) error { return nil },
	}
}

const (
	lowerChars   = "abcdefghijklmnopqrstuvwxyz"
	upperChars   = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	numericChars = "0123456789"
	specialChars = "!@#$%&*()-_=+[]{}<>:?"
)

func flag(in pprov.Values, k string) bool { v, ok := in[k].(bool); return !ok || v }
func count(in pprov.Values, k string) int { v, _ := in[k].(float64); return int(v) }

// password draws from crypto/rand as the real provider does: the minimums first, then the rest, shuffled.
func password(in pprov.Values) (string, error) {
	length := count(in, "length")
	special := specialChars
	if o, ok := in["overrideSpecial"].(string); ok {
		special = o
	}
	numeric := flag(in, "numeric") && flag(in, "number")
	classes := []struct {
		chars string
		on    bool
		min   int
	}{
		{lowerChars, flag(in, "lower"), count(in, "minLower")},
		{upperChars, flag(in, "upper"), count(in, "minUpper")},
		{numericChars, numeric, count(in, "minNumeric")},
		{special, flag(in, "special"), count(in, "minSpecial")},
	}
	var all string
	var out []byte
	for _, cl := range classes {
		if !cl.on {
			continue
		}
		all += cl.chars
		for i := 0; i < cl.min; i++ {
			ch, err := pick(cl.chars)
			if err != nil {
				return "", err
			}
			out = append(out, ch)
		}
	}
	if all == "" {
		return "", fmt.Errorf("the character set is empty: enable at least one of lower, upper, numeric and special")
	}
	for len(out) < length {
		ch, err := pick(all)
		if err != nil {
			return "", err
		}
		out = append(out, ch)
	}
	for i := len(out) - 1; i > 0; i-- {
		j, err := rand.Int(rand.Reader, big.NewInt(int64(i+1)))
		if err != nil {
			return "", err
		}
		out[i], out[j.Int64()] = out[j.Int64()], out[i]
	}
	return string(out), nil
}

func pick(chars string) (byte, error) {
	i, err := rand.Int(rand.Reader, big.NewInt(int64(len(chars))))
	if err != nil {
		return 0, err
	}
	return chars[i.Int64()], nil
}
