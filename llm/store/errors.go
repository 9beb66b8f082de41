package store

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"syscall"
)

// Errors a download can end with. Each names what failed and where; those
// that leave a resumable NAME.gguf.part say so.
var (
	// ErrInterrupted: the transfer stopped (connection lost, Ctrl-C, a
	// stall); the part file is kept and the next Pull resumes it.
	ErrInterrupted = errors.New("download interrupted")
	// ErrNotGGUF: what the server sent is not a GGUF model (an HTML login
	// page, a truncated file); nothing was installed.
	ErrNotGGUF = errors.New("not a GGUF model")
	// ErrLength: the server's lengths contradict each other or the known
	// size of the model.
	ErrLength = errors.New("inconsistent length")
)

// HTTPError is a response that is not the file.
type HTTPError struct {
	URL        string
	StatusCode int
	Status     string
}

// Error names the URL and says what the status usually means.
func (e *HTTPError) Error() string {
	switch e.StatusCode {
	case 404:
		return fmt.Sprintf("%s: not found (HTTP 404): check the URL or the model name", e.URL)
	case 401, 403:
		return fmt.Sprintf("%s: access denied (%s): the model may need a login or a licence accepted on its page; download it in a browser and add it by hand (docs/models.md)", e.URL, e.Status)
	}
	return fmt.Sprintf("%s: the server answered %s", e.URL, e.Status)
}

// ChecksumError is a complete download whose SHA-256 is not the one
// expected: nothing was installed and the bad file was removed.
type ChecksumError struct {
	URL       string
	Want, Got string
}

// Error gives both digests and what became of the file.
func (e *ChecksumError) Error() string {
	return fmt.Sprintf("%s: SHA-256 mismatch: got %s, want %s; the file was removed and nothing was installed (if the publisher replaced the file, pull the URL directly)", e.URL, e.Got, e.Want)
}

// InterruptedError is a transfer that stopped part way, its part file kept
// for the next Pull to resume.
type InterruptedError struct {
	Part        string
	Done, Total int64 // Total < 0 when unknown
	Cause       error
}

// Error says how far the download got and how to resume it.
func (e *InterruptedError) Error() string {
	of := ""
	if e.Total >= 0 {
		of = " of " + HumanBytes(e.Total)
	}
	what, why := "interrupted", fmt.Sprintf(" (%v)", e.Cause)
	if errors.Is(e.Cause, context.Canceled) {
		what, why = "stopped", ""
	}
	if e.Done == 0 {
		return fmt.Sprintf("download %s before any data arrived%s", what, why)
	}
	return fmt.Sprintf("download %s after %s%s%s; %s is kept: run the same `model pull` again to resume", what, HumanBytes(e.Done), of, why, e.Part)
}

// Unwrap makes the error both ErrInterrupted and its cause (context.Canceled
// for Ctrl-C).
func (e *InterruptedError) Unwrap() []error { return []error{ErrInterrupted, e.Cause} }

// errStalled is the cause of a transfer that received nothing for too long.
var errStalled = errors.New("no data received for too long")

// requestError explains why a request could not be made or answered, in
// words a person can act on.
func requestError(u string, err error) error {
	host := u
	if pu, perr := url.Parse(u); perr == nil {
		host = pu.Host
	}
	var dns *net.DNSError
	var op *net.OpError
	var unknownCA x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	case errors.As(err, &dns):
		return fmt.Errorf("cannot look up %s: %s (is the network up?)", host, dns.Err)
	case errors.As(err, &unknownCA), errors.As(err, &hostname), errors.As(err, &invalid):
		return fmt.Errorf("%s: TLS certificate problem: %v", host, err)
	case errors.As(err, &op) && op.Op == "dial":
		return fmt.Errorf("cannot connect to %s: %v", host, op.Err)
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return fmt.Errorf("%s did not answer in time: %v", host, err)
	}
	return fmt.Errorf("%s: %v", u, err)
}

// writeError explains a failed write to the part file.
func writeError(part string, done, total int64, err error) error {
	if errors.Is(err, syscall.ENOSPC) {
		of := ""
		if total >= 0 {
			of = " of " + HumanBytes(total)
		}
		return fmt.Errorf("disk full writing %s (%s%s done, kept): free some space and run the same `model pull` again to resume: %w", part, HumanBytes(done), of, err)
	}
	return fmt.Errorf("writing %s: %w", part, err)
}
