// Package localca makes a certificate authority for one run of a local
// server: a new CA and a server certificate it signs for the names given,
// so that a client told to trust the CA (Node's NODE_EXTRA_CA_CERTS, curl's
// --cacert) reaches the server over HTTPS under those names, and nothing
// else trusts either.
//
// Keys are ECDSA P-256, generated in memory. The CA's private key signs the
// server certificate and is then dropped: nothing can sign with it again,
// so a leaked CA certificate vouches for no other name. The server's
// private key is reachable only inside a tls.Certificate; this package
// never encodes a private key.
package localca

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"time"
)

// Validity is how long the certificates are valid after New. A run that
// lasts longer is restarted; a short life bounds what a copied CA
// certificate is good for.
const Validity = 30 * 24 * time.Hour

// backdate is how far before New the certificates become valid, for
// clients whose clock is a little behind.
const backdate = time.Hour

// Authority is one run's CA and the server certificate it signed.
type Authority struct {
	// CertPEM is the CA's certificate, PEM-encoded: what clients trust.
	CertPEM []byte
	// Server is the server certificate with its private key, its chain
	// (the server certificate only: clients hold the CA), for
	// tls.Config.Certificates.
	Server tls.Certificate
	// NotAfter is when both certificates expire.
	NotAfter time.Time
}

// New makes a CA named after the run and a server certificate for hosts
// (DNS names), valid from an hour before now for Validity.
func New(hosts []string, now time.Time) (*Authority, error) {
	if len(hosts) == 0 {
		return nil, errors.New("localca: no host name for the server certificate")
	}
	notBefore, notAfter := now.Add(-backdate), now.Add(Validity)
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("localca: generating the CA key: %w", err)
	}
	caTemplate := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "authconform serve local CA " + now.UTC().Format(time.RFC3339), Organization: []string{"authconform (local, one run)"}},
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		// It signs server certificates only, never another CA.
		MaxPathLen:     0,
		MaxPathLenZero: true,
		// RFC 5280 §4.2.1.10: it vouches for these names and no others,
		// whatever a stolen copy of its key were made to sign.
		PermittedDNSDomainsCritical: true,
		PermittedDNSDomains:         hosts,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTemplate, caTemplate, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, fmt.Errorf("localca: signing the CA certificate: %w", err)
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, fmt.Errorf("localca: reading back the CA certificate: %w", err)
	}
	server, err := serverCertificate(hosts, ca, caKey, notBefore, notAfter)
	if err != nil {
		return nil, err
	}
	return &Authority{
		CertPEM:  pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}),
		Server:   server,
		NotAfter: notAfter,
	}, nil
}

// serverCertificate signs a certificate for hosts with the CA's key.
func serverCertificate(hosts []string, ca *x509.Certificate, caKey *ecdsa.PrivateKey, notBefore, notAfter time.Time) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("localca: generating the server key: %w", err)
	}
	template := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: hosts[0]},
		DNSNames:     hosts,
		NotBefore:    notBefore,
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, template, ca, &key.PublicKey, caKey)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("localca: signing the server certificate for %v: %w", hosts, err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("localca: reading back the server certificate: %w", err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, nil
}

// serial is a random 128-bit serial number (RFC 5280 §4.1.2.2: positive,
// at most 20 octets; random so that no two runs' certificates share one).
func serial() *big.Int {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	b[0] &= 0x7f
	b[0] |= 0x40 // never zero, never negative
	return new(big.Int).SetBytes(b)
}
