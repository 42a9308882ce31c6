package randomtls

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"golang.org/x/crypto/bcrypt"

	"github.com/signed-runs/standins/internal/pprov"
	"github.com/signed-runs/standins/internal/testutil"
)

func TestRandomPasswordIsRandomSecretAndHonoursTheCharacterSet(t *testing.T) {
	e := &testutil.Engine{T: t, S: pprov.NewServer(Random())}
	tok := "random:index/randomPassword:RandomPassword"
	a, err := e.Create(tok, map[string]any{"length": 64.0, "special": false})
	if err != nil {
		t.Fatal(err)
	}
	b, err := e.Create(tok, map[string]any{"length": 64.0, "special": false})
	if err != nil {
		t.Fatal(err)
	}
	pa, pb := testutil.Map(a.State), testutil.Map(b.State)
	for _, k := range []resource.PropertyKey{"result", "bcryptHash"} {
		if !pa[k].IsSecret() {
			t.Fatalf("%s is not secret", k)
		}
	}
	ra, rb := pa["result"].SecretValue().Element.StringValue(), pb["result"].SecretValue().Element.StringValue()
	if len(ra) != 64 || ra == rb {
		t.Fatalf("want two different 64-character passwords, got %q and %q", ra, rb)
	}
	if strings.ContainsAny(ra, specialChars) {
		t.Fatalf("special characters despite special: false: %q", ra)
	}
	if bcrypt.CompareHashAndPassword([]byte(pa["bcryptHash"].SecretValue().Element.StringValue()), []byte(ra)) != nil {
		t.Fatal("bcryptHash does not match result")
	}
	if d := e.Diff(a, map[string]any{"length": 32.0, "special": false}); len(d.Replaces) != 1 || d.Replaces[0] != "length" {
		t.Fatalf("a new length replaces the password: %v", d)
	}
	if d := e.Diff(a, map[string]any{"length": 64.0, "special": false}); d.Changes != pulumirpc.DiffResponse_DIFF_NONE {
		t.Fatalf("same inputs: %v", d)
	}
	if _, failures := e.Check(tok, map[string]any{"lenght": 64.0}); len(failures) != 2 {
		t.Fatalf("misspelled length: want unknown-key and missing-required failures, got %v", failures)
	}
	if _, failures := e.Check(tok, map[string]any{"length": "64"}); len(failures) != 1 {
		t.Fatalf("a string length: %v", failures)
	}
	c, err := e.Create(tok, map[string]any{"length": 12.0, "minSpecial": 3.0, "minNumeric": 3.0, "overrideSpecial": "#"})
	if err != nil {
		t.Fatal(err)
	}
	rc := testutil.Map(c.State)["result"].SecretValue().Element.StringValue()
	if strings.Count(rc, "#") < 3 || len(strings.Trim(rc, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ#")) == 0 {
		t.Fatalf("minimums not met: %q", rc)
	}
}

func TestPrivateKeyIsARealECDSAP256PairInTheRealFormats(t *testing.T) {
	e := &testutil.Engine{T: t, S: pprov.NewServer(TLS())}
	tok := "tls:index/privateKey:PrivateKey"
	r, err := e.Create(tok, map[string]any{"algorithm": "ECDSA", "ecdsaCurve": "P256"})
	if err != nil {
		t.Fatal(err)
	}
	st := testutil.Map(r.State)
	for _, k := range []resource.PropertyKey{"privateKeyPem", "privateKeyPemPkcs8", "privateKeyOpenssh"} {
		if !st[k].IsSecret() {
			t.Fatalf("%s is not secret", k)
		}
	}
	val := func(k resource.PropertyKey) string {
		v := st[k]
		if v.IsSecret() {
			v = v.SecretValue().Element
		}
		return v.StringValue()
	}
	block, _ := pem.Decode([]byte(val("privateKeyPemPkcs8")))
	if block == nil || block.Type != "PRIVATE KEY" {
		t.Fatalf("pkcs8 PEM: %q", val("privateKeyPemPkcs8"))
	}
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	ec, ok := key.(*ecdsa.PrivateKey)
	if !ok || ec.Curve != elliptic.P256() {
		t.Fatalf("want an ECDSA P-256 key, got %T", key)
	}
	legacy, _ := pem.Decode([]byte(val("privateKeyPem")))
	if legacy == nil || legacy.Type != "EC PRIVATE KEY" {
		t.Fatal("privateKeyPem is not an EC PRIVATE KEY")
	}
	pubBlock, _ := pem.Decode([]byte(val("publicKeyPem")))
	pub, err := x509.ParsePKIXPublicKey(pubBlock.Bytes)
	if err != nil || !ec.PublicKey.Equal(pub) {
		t.Fatal("publicKeyPem does not belong to the private key")
	}
	if !strings.HasPrefix(val("publicKeyOpenssh"), "ecdsa-sha2-nistp256 ") || !strings.HasPrefix(val("publicKeyFingerprintSha256"), "SHA256:") {
		t.Fatalf("OpenSSH forms: %q %q", val("publicKeyOpenssh"), val("publicKeyFingerprintSha256"))
	}
	if _, failures := e.Check(tok, map[string]any{"algorithm": "ECDSA", "ecdsaCurve": "P257"}); len(failures) != 1 {
		t.Fatalf("bad curve: %v", failures)
	}
	if _, failures := e.Check(tok, map[string]any{"algorithm": "ECDSA", "ecdsa_curve": "P256"}); len(failures) != 1 || failures[0].Property != "ecdsa_curve" {
		t.Fatalf("Terraform spelling is not a Pulumi property: %v", failures)
	}
	if d := e.Diff(r, map[string]any{"algorithm": "ECDSA", "ecdsaCurve": "P384"}); len(d.Replaces) != 1 {
		t.Fatalf("another curve replaces: %v", d)
	}
}
