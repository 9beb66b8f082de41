package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/llamashell/lsh/llm/gguf"
)

// transfer fetches the bytes the part file lacks, in as many requests as it
// takes: one normally, a few if the server sends ranges in pieces, and at
// most one clean restart when the part no longer matches the remote file.
func (d *download) transfer(ctx context.Context) error {
	d.resumedFrom = d.have
	restarted := false
	for {
		if d.meta.Total > 0 && d.have == d.meta.Total {
			return nil // complete already: an earlier pull stopped before installing
		}
		before := d.have
		more, restart, err := d.fetch(ctx)
		if err != nil {
			return err
		}
		if restart {
			if restarted {
				return fmt.Errorf("%s: %w: the server's answers to a resumed download keep contradicting the file; remove %s and try again", d.src.URL, ErrLength, d.part)
			}
			restarted = true
			d.meta = partMeta{URL: d.src.URL, Total: -1}
			if err := d.restart(); err != nil {
				return err
			}
			d.resumedFrom = 0
			continue
		}
		if !more {
			return nil
		}
		if d.have == before {
			return fmt.Errorf("%s: the server sent an empty range at byte %d", d.src.URL, d.have)
		}
	}
}

// fetch makes one request and stores its body. more is set when the
// server sent only part of the rest (a range in pieces); restart when the
// part must be thrown away and the download begun again.
func (d *download) fetch(ctx context.Context) (more, restart bool, err error) {
	reqCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stall := time.AfterFunc(d.opts.StallTimeout, func() { cancel(errStalled) })
	defer stall.Stop()

	req, err := http.NewRequestWithContext(reqCtx, http.MethodGet, d.src.URL, nil)
	if err != nil {
		return false, false, fmt.Errorf("%s: %w", d.src.URL, err)
	}
	req.Header.Set("User-Agent", "lsh (model pull)")
	// Byte offsets must be offsets in the file, not in a compressed stream.
	req.Header.Set("Accept-Encoding", "identity")
	if d.have > 0 {
		req.Header.Set("Range", fmt.Sprintf("bytes=%d-", d.have))
		if d.meta.Validator != "" {
			req.Header.Set("If-Range", d.meta.Validator)
		}
	}
	resp, err := d.opts.Client.Do(req)
	if err != nil {
		if cause := context.Cause(reqCtx); cause != nil {
			return false, false, d.interrupted(cause)
		}
		return false, false, requestError(d.src.URL, err)
	}
	defer resp.Body.Close()

	var total, want int64 // the file's size and this body's, -1 if unknown
	switch resp.StatusCode {
	case http.StatusPartialContent:
		cr, ok := parseContentRange(resp.Header.Get("Content-Range"))
		if !ok || cr.start < 0 {
			return false, false, d.lengthError("a 206 answer with Content-Range %q", resp.Header.Get("Content-Range"))
		}
		if cr.start != d.have {
			return false, false, d.lengthError("asked for the bytes from %d, the server sent from %d", d.have, cr.start)
		}
		if cr.total >= 0 && d.meta.Total >= 0 && cr.total != d.meta.Total {
			return false, true, nil // the remote file changed size: start over
		}
		total, want = cr.total, cr.end-cr.start+1
		if resp.ContentLength >= 0 && resp.ContentLength != want {
			return false, false, d.lengthError("Content-Length %d but Content-Range %q covers %d bytes", resp.ContentLength, resp.Header.Get("Content-Range"), want)
		}
		if cr.total >= 0 && cr.end >= cr.total {
			return false, false, d.lengthError("Content-Range %q ends past the file's end", resp.Header.Get("Content-Range"))
		}
	case http.StatusOK:
		total, want = resp.ContentLength, resp.ContentLength
		if err := d.checkKnownSize(total); err != nil {
			return false, false, err
		}
		if d.have > 0 {
			// The server ignored the range (or the file changed and
			// If-Range said so): the whole file is coming, so begin again.
			if err := d.restart(); err != nil {
				return false, false, err
			}
			d.resumedFrom = 0
		}
		d.meta = partMeta{URL: d.src.URL, Total: total, Validator: validator(resp.Header)}
	case http.StatusRequestedRangeNotSatisfiable:
		cr, ok := parseContentRange(resp.Header.Get("Content-Range"))
		if ok && cr.total >= 0 && cr.total == d.have && d.have > 0 {
			d.meta.Total = d.have // the part already holds the whole file
			return false, false, nil
		}
		if d.have > 0 {
			return false, true, nil // the part is longer than the file: start over
		}
		return false, false, &HTTPError{URL: d.src.URL, StatusCode: resp.StatusCode, Status: resp.Status}
	default:
		return false, false, &HTTPError{URL: d.src.URL, StatusCode: resp.StatusCode, Status: resp.Status}
	}
	if err := d.checkKnownSize(total); err != nil {
		return false, false, err
	}
	if total >= 0 {
		d.meta.Total = total
		if free := freeSpace(filepath.Dir(d.part)); free >= 0 && free < total-d.have {
			return false, false, fmt.Errorf("not enough disk space in %s: %s more needed, %s free", filepath.Dir(d.part), HumanBytes(total-d.have), HumanBytes(free))
		}
	}
	if err := d.writeMeta(); err != nil {
		return false, false, fmt.Errorf("writing %s: %w", d.final+metaSuffix, err)
	}
	d.meter.start(d.have, total)
	start := d.have
	if err := d.copyBody(reqCtx, resp, want, stall); err != nil {
		return false, false, err
	}
	got := d.have - start
	switch {
	case want >= 0 && got < want:
		// Only a body without Content-Length ends early without an error.
		return false, false, d.interrupted(fmt.Errorf("the server sent %d of the %d bytes it announced", got, want))
	case total >= 0 && d.have < total:
		return true, false, nil // the range came in pieces: ask for the next
	}
	if total < 0 {
		d.meta.Total = d.have
	}
	return false, false, nil
}

// copyBody appends the response body to the part file, hashing it as it
// goes. The first bytes of a file must be GGUF's magic: an HTML page
// served with 200 is refused at once, not after a gigabyte.
func (d *download) copyBody(ctx context.Context, resp *http.Response, want int64, stall *time.Timer) error {
	buf := make([]byte, 256<<10)
	var head []byte
	var got int64
	for {
		n, rerr := resp.Body.Read(buf)
		if n > 0 {
			stall.Reset(d.opts.StallTimeout)
			if want >= 0 && got+int64(n) > want {
				d.discard()
				return d.lengthError("the server sent more than the %d bytes it announced", want)
			}
			if d.have < int64(len(gguf.Magic)) {
				head = append(head, buf[:min(n, len(gguf.Magic)-len(head))]...)
				if len(head) == len(gguf.Magic) && string(head) != gguf.Magic {
					d.discard()
					return fmt.Errorf("%s: %w: it starts with %q (Content-Type %q); nothing was installed", d.src.URL, ErrNotGGUF, head, resp.Header.Get("Content-Type"))
				}
			}
			wn, werr := d.f.WriteAt(buf[:n], d.have)
			d.hash.Write(buf[:wn])
			d.have += int64(wn)
			got += int64(wn)
			d.meter.add(wn)
			if werr != nil {
				// Keep exactly the bytes written, so the part stays a
				// prefix of the file.
				d.f.Truncate(d.have)
				return writeError(d.part, d.have, d.meta.Total, werr)
			}
		}
		if rerr == io.EOF {
			return nil
		}
		if rerr != nil {
			if cause := context.Cause(ctx); cause != nil {
				return d.interrupted(cause)
			}
			if errors.Is(rerr, io.ErrUnexpectedEOF) {
				rerr = fmt.Errorf("the server closed the connection early: %w", rerr)
			}
			return d.interrupted(rerr)
		}
	}
}

func (d *download) interrupted(cause error) error {
	return &InterruptedError{Part: d.part, Done: d.have, Total: d.meta.Total, Cause: cause}
}

// lengthError reports a server whose lengths contradict themselves; the
// part file is kept only if nothing of the contradicting answer was
// written to it (callers that wrote discard it first).
func (d *download) lengthError(format string, args ...any) error {
	return fmt.Errorf("%s: %w: %s", d.src.URL, ErrLength, fmt.Sprintf(format, args...))
}

// checkKnownSize refuses a file whose announced size is not the known
// model's, before a byte of it is stored.
func (d *download) checkKnownSize(total int64) error {
	if d.src.Size > 0 && total >= 0 && total != d.src.Size {
		return d.lengthError("the server announces %d bytes, %s is %d bytes", total, d.src.Name, d.src.Size)
	}
	return nil
}

// validator picks what If-Range may carry: a strong ETag, else
// Last-Modified.
func validator(h http.Header) string {
	if et := h.Get("ETag"); et != "" && !strings.HasPrefix(et, "W/") {
		return et
	}
	return h.Get("Last-Modified")
}

// contentRange is "bytes START-END/TOTAL" (or "bytes */TOTAL" in a 416,
// start -1); total is -1 for "*".
type contentRange struct{ start, end, total int64 }

func parseContentRange(s string) (contentRange, bool) {
	cr := contentRange{start: -1, end: -1, total: -1}
	rest, ok := strings.CutPrefix(strings.TrimSpace(s), "bytes ")
	if !ok {
		return cr, false
	}
	span, total, ok := strings.Cut(rest, "/")
	if !ok {
		return cr, false
	}
	if total != "*" {
		n, err := strconv.ParseInt(total, 10, 64)
		if err != nil || n < 0 {
			return cr, false
		}
		cr.total = n
	}
	if span == "*" {
		return cr, cr.total >= 0
	}
	a, b, ok := strings.Cut(span, "-")
	if !ok {
		return cr, false
	}
	start, err1 := strconv.ParseInt(a, 10, 64)
	end, err2 := strconv.ParseInt(b, 10, 64)
	if err1 != nil || err2 != nil || start < 0 || end < start {
		return cr, false
	}
	cr.start, cr.end = start, end
	return cr, true
}
