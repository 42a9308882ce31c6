package randomtls

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/md5"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"strings"

	"github.com/signed-runs/standins/internal/pprov"
	"golang.org/x/crypto/ssh"
)

// TLSVersion is the plugin version @pulumi/tls 5.6.1 requests.
var TLSVersion = "5.6.1"

// TLS is the tls stand-in.
func TLS() *pprov.Provider {
	return &pprov.Provider{Name: "tls", Version: TLSVersion, ConfigKeys: []string{"proxy"}, Resources: []*pprov.Resource{privateKey()}}
}

var curves = map[string]elliptic.Curve{"P224": elliptic.P224(), "P256": elliptic.P256(), "P384": elliptic.P384(), "P521": elliptic.P521()}

func privateKey() *pprov.Resource {
	return &pprov.Resource{
		Token: "tls:index/privateKey:PrivateKey",
		Inputs: []pprov.Prop{
			{Name: "algorithm", Type: str, Required: true, ForceNew: true},
			{Name: "ecdsaCurve", Type: str, ForceNew: true},
			{Name: "rsaBits", Type: integer, ForceNew: true},
		},
		Validate: func(in pprov.Values) []pprov.Failure {
			if a, ok := in["algorithm"].(string); ok && a != "RSA" && a != "ECDSA" && a != "ED25519" {
				return []pprov.Failure{{Property: "algorithm", Reason: fmt.Sprintf("Attribute algorithm value must be one of: [\"RSA\" \"ECDSA\" \"ED25519\"], got: %q", a)}}
			}
			if c, ok := in["ecdsaCurve"].(string); ok {
				if _, known := curves[c]; !known {
					return []pprov.Failure{{Property: "ecdsaCurve", Reason: fmt.Sprintf("Attribute ecdsa_curve value must be one of: [\"P224\" \"P256\" \"P384\" \"P521\"], got: %q", c)}}
				}
			}
			return nil
		},
		Defaults: func(in pprov.Values) {
			if _, ok := in["ecdsaCurve"]; !ok {
				in["ecdsaCurve"] = "P224"
			}
			if _, ok := in["rsaBits"]; !ok {
				in["rsaBits"] = 2048.0
			}
		},
		Computed:      []string{"privateKeyPem", "privateKeyPemPkcs8", "privateKeyOpenssh", "publicKeyPem", "publicKeyOpenssh", "publicKeyFingerprintMd5", "publicKeyFingerprintSha256"},
		SecretOutputs: []string{"privateKeyPem", "privateKeyPemPkcs8", "privateKeyOpenssh"},
		Create: func(c *pprov.Call, in pprov.Values) (string, pprov.Values, error) {
			out, err := generate(in)
			if err != nil {
				return "", nil, err
			}
			h := md5.Sum([]byte(out["publicKeyPem"].(string)))
			return fmt.Sprintf("%x", h), out, nil
		},
		Read: func(c *pprov.Call, _ string, in, state pprov.Values) (pprov.Values, pprov.Values, error) {
			return in, state, nil
		},
		Update: func(c *pprov.Call, _ string, _, in, state pprov.Values) (pprov.Values, error) { return state, nil },
		Delete: func(*pprov.Call, string, pprov.Values, pprov.Values) error { return nil },
	}
}

// generate makes a key pair and every encoding the real provider exports.
func generate(in pprov.Values) (pprov.Values, error) {
	var key crypto.Signer
	var legacy *pem.Block
	var err error
	switch in["algorithm"] {
	case "RSA":
		bits := int(in["rsaBits"].(float64))
		k, e := rsa.GenerateKey(rand.Reader, bits)
		if e != nil {
			return nil, e
		}
		key, legacy = k, &pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)}
	case "ECDSA":
		k, e := ecdsa.GenerateKey(curves[in["ecdsaCurve"].(string)], rand.Reader)
		if e != nil {
			return nil, e
		}
		der, e := x509.MarshalECPrivateKey(k)
		if e != nil {
			return nil, e
		}
		key, legacy = k, &pem.Block{Type: "EC PRIVATE KEY", Bytes: der}
	case "ED25519":
		_, k, e := ed25519.GenerateKey(rand.Reader)
		if e != nil {
			return nil, e
		}
		key = k
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	if legacy == nil {
		legacy = &pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8}
	}
	pub, err := x509.MarshalPKIXPublicKey(key.Public())
	if err != nil {
		return nil, err
	}
	out := pprov.Values{}
	for k, v := range in {
		out[k] = v
	}
	out["privateKeyPem"] = string(pem.EncodeToMemory(legacy))
	out["privateKeyPemPkcs8"] = string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8}))
	out["publicKeyPem"] = string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}))
	// OpenSSH has no P224: the real provider leaves those empty then.
	out["privateKeyOpenssh"], out["publicKeyOpenssh"], out["publicKeyFingerprintMd5"], out["publicKeyFingerprintSha256"] = "", "", "", ""
	if sshPub, err := ssh.NewPublicKey(key.Public()); err == nil {
		block, err := ssh.MarshalPrivateKey(key, "")
		if err != nil {
			return nil, err
		}
		out["privateKeyOpenssh"] = string(pem.EncodeToMemory(block))
		out["publicKeyOpenssh"] = string(ssh.MarshalAuthorizedKey(sshPub))
		out["publicKeyFingerprintMd5"] = strings.TrimPrefix(ssh.FingerprintLegacyMD5(sshPub), "MD5:")
		out["publicKeyFingerprintSha256"] = ssh.FingerprintSHA256(sshPub)
	}
	return out, nil
}
