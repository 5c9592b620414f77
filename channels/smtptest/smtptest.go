// Package smtptest is a mail server on 127.0.0.1 for tests of the email
// sender: it speaks SMTP (github.com/emersion/go-smtp's server), offers
// STARTTLS with a certificate made for it and AUTH PLAIN when asked to,
// records every message it accepts, and refuses the next messages with
// the replies a test queues. Like channels/twiliotest, only tests import
// it, and it shares no code with the sender it tests.
package smtptest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"log"
	"math/big"
	"net"
	"net/mail"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Config sets up a Server.
type Config struct {
	// TLS offers STARTTLS, with a certificate for 127.0.0.1 that
	// Server.ClientTLS trusts.
	TLS bool
	// User and Password, when set, are required (AUTH PLAIN) before MAIL.
	User, Password string
}

// Message is one message the server accepted.
type Message struct {
	From string   // the envelope sender (MAIL FROM)
	To   []string // the envelope recipients (RCPT TO)
	Data []byte   // the message as sent, headers and body
	TLS  bool     // it came over a connection secured with STARTTLS
	User string   // who authenticated, "" for nobody
}

// Parse reads the message's header and (still encoded) body.
func (m Message) Parse() (*mail.Message, error) {
	return mail.ReadMessage(strings.NewReader(string(m.Data)))
}

// Refusal is an answer the server gives instead of accepting: Code (451:
// try later; 550: never) at Stage, "MAIL", "RCPT" or "DATA".
type Refusal struct {
	Stage string
	Code  int
}

// Server is the mail server.
type Server struct {
	Addr string // host:port to send to

	cfg     Config
	srv     *smtp.Server
	pool    *x509.CertPool
	mu      sync.Mutex
	msgs    []Message
	refuse  []Refusal
	changed chan struct{} // closed, and replaced, at each message
}

// NewServer starts a Server; t's cleanup stops it.
func NewServer(t testing.TB, cfg Config) *Server {
	t.Helper()
	s := &Server{cfg: cfg, changed: make(chan struct{})}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &session{s: s, conn: c}, nil }))
	s.srv.Domain = "localhost"
	s.srv.ReadTimeout, s.srv.WriteTimeout = 30*time.Second, 30*time.Second
	s.srv.ErrorLog = log.New(io.Discard, "", 0)
	s.srv.AllowInsecureAuth = !cfg.TLS
	if cfg.TLS {
		cert, pool, err := certificate()
		if err != nil {
			t.Fatalf("smtptest: making a certificate: %v", err)
		}
		s.srv.TLSConfig, s.pool = &tls.Config{Certificates: []tls.Certificate{cert}}, pool
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("smtptest: %v", err)
	}
	s.Addr = ln.Addr().String()
	go s.srv.Serve(ln)
	t.Cleanup(func() { s.srv.Close() })
	return s
}

// ClientTLS is a TLS configuration that trusts the server's certificate.
func (s *Server) ClientTLS() *tls.Config {
	return &tls.Config{RootCAs: s.pool}
}

// Refuse queues refusals: each is used by the next command at its stage.
func (s *Server) Refuse(r ...Refusal) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuse = append(s.refuse, r...)
}

// refusal takes the next refusal queued for stage, if any.
func (s *Server) refusal(stage string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, r := range s.refuse {
		if r.Stage == stage {
			s.refuse = slices.Delete(s.refuse, i, i+1)
			class := r.Code / 100
			return &smtp.SMTPError{Code: r.Code, EnhancedCode: smtp.EnhancedCode{class, 0, 0}, Message: "refused by smtptest"}
		}
	}
	return nil
}

// Messages is every message accepted so far, in order.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.msgs)
}

// Wait waits until n messages have been accepted or timeout has passed,
// and returns those accepted by then.
func (s *Server) Wait(n int, timeout time.Duration) []Message {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		if len(s.msgs) >= n {
			defer s.mu.Unlock()
			return slices.Clone(s.msgs)
		}
		changed := s.changed
		s.mu.Unlock()
		select {
		case <-changed:
		case <-deadline.C:
			return s.Messages()
		}
	}
}

// session is one connection's SMTP session.
type session struct {
	s    *Server
	conn *smtp.Conn
	user string
	msg  Message
}

func (x *session) AuthMechanisms() []string {
	if x.s.cfg.User == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (x *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, user, password string) error {
		if user != x.s.cfg.User || password != x.s.cfg.Password {
			return smtp.ErrAuthFailed
		}
		x.user = user
		return nil
	}), nil
}

func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	if x.s.cfg.User != "" && x.user == "" {
		return smtp.ErrAuthRequired
	}
	if err := x.s.refusal("MAIL"); err != nil {
		return err
	}
	x.msg = Message{From: from, User: x.user}
	_, x.msg.TLS = x.conn.TLSConnectionState()
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if err := x.s.refusal("RCPT"); err != nil {
		return err
	}
	x.msg.To = append(x.msg.To, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if err := x.s.refusal("DATA"); err != nil {
		return err
	}
	x.msg.Data = data
	x.s.mu.Lock()
	x.s.msgs = append(x.s.msgs, x.msg)
	close(x.s.changed)
	x.s.changed = make(chan struct{})
	x.s.mu.Unlock()
	return nil
}

func (x *session) Reset()        { x.msg = Message{} }
func (x *session) Logout() error { return nil }

// certificate makes a self-signed certificate for 127.0.0.1 and localhost,
// and a pool that trusts it.
func certificate() (tls.Certificate, *x509.CertPool, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "smtptest"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool, nil
}
