package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// serve answers like a plain static file server (Range, If-Range with the
// ETag).
func serve(data []byte, etag string, w http.ResponseWriter, r *http.Request) {
	if etag != "" {
		w.Header().Set("ETag", etag)
	}
	http.ServeContent(w, r, "m.gguf", time.Time{}, bytes.NewReader(data))
}

// dropAfter sends the headers of the whole file, n bytes of it, then
// drops the connection: a transfer cut by the network.
func dropAfter(data []byte, n int, w http.ResponseWriter) {
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(http.StatusOK)
	w.Write(data[:n])
	w.(http.Flusher).Flush()
	panic(http.ErrAbortHandler)
}

type pullCase struct {
	dir  string
	url  string
	rec  *recorder
	reps []Progress
	mu   sync.Mutex
}

func newPull(t *testing.T, h func(n int, w http.ResponseWriter, r *http.Request)) *pullCase {
	pc := &pullCase{dir: t.TempDir(), rec: &recorder{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h(pc.rec.note(r), w, r)
	}))
	t.Cleanup(srv.Close)
	pc.url = srv.URL + "/models/synth.gguf"
	return pc
}

func (pc *pullCase) opts(sum string) Options {
	return Options{Dir: pc.dir, SHA256: sum, Progress: func(p Progress) {
		pc.mu.Lock()
		pc.reps = append(pc.reps, p)
		pc.mu.Unlock()
	}}
}

func (pc *pullCase) final() string { return filepath.Join(pc.dir, "synth.gguf") }
func (pc *pullCase) part() string  { return pc.final() + partSuffix }

// installed checks the model is in place, byte for byte, with no leftovers.
func (pc *pullCase) installed(t *testing.T, want []byte) {
	t.Helper()
	got, err := os.ReadFile(pc.final())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("installed file differs: %d bytes, sha %s; want %d bytes, sha %s", len(got), sha(got), len(want), sha(want))
	}
	for _, f := range []string{pc.part(), pc.final() + metaSuffix} {
		if exists(f) {
			t.Errorf("%s left behind", filepath.Base(f))
		}
	}
}

// notInstalled checks a failed pull left no file under the final name and
// a part only if wantPart.
func (pc *pullCase) notInstalled(t *testing.T, wantPart bool) {
	t.Helper()
	if exists(pc.final()) {
		t.Error("a file was installed under the final name")
	}
	if exists(pc.part()) != wantPart {
		t.Errorf("part file exists = %v, want %v", exists(pc.part()), wantPart)
	}
}

func TestPullFull(t *testing.T) {
	data := testModel(t)
	pc := newPull(t, func(_ int, w http.ResponseWriter, r *http.Request) { serve(data, `"v1"`, w, r) })
	res, err := Pull(t.Context(), pc.url, pc.opts(sha(data)))
	if err != nil {
		t.Fatal(err)
	}
	pc.installed(t, data)
	if res.Name != "synth" || res.Path != pc.final() || res.Size != int64(len(data)) || res.SHA256 != sha(data) || !res.Verified || res.Resumed != 0 {
		t.Errorf("result %+v", res)
	}
	if _, ranges := pc.rec.seen(); len(ranges) != 1 || ranges[0] != "" {
		t.Errorf("requests with ranges %q, want one without", ranges)
	}
	first, last := pc.reps[0], pc.reps[len(pc.reps)-1]
	if first.Done != 0 || first.Total != int64(len(data)) || !last.Finished || last.Done != int64(len(data)) || last.Total != last.Done {
		t.Errorf("progress first %+v last %+v", first, last)
	}
	for i := 1; i < len(pc.reps); i++ {
		if pc.reps[i].Done < pc.reps[i-1].Done {
			t.Fatalf("progress went back: %+v then %+v", pc.reps[i-1], pc.reps[i])
		}
	}
	// Without a known checksum the digest is still reported, to pin.
	res2, err := Pull(t.Context(), pc.url, Options{Dir: pc.dir, Name: "copy"})
	if err != nil || res2.SHA256 != sha(data) || res2.Verified {
		t.Errorf("unverified pull: %+v, %v", res2, err)
	}
}

func TestPullAlreadyThere(t *testing.T) {
	data := testModel(t)
	pc := newPull(t, func(_ int, w http.ResponseWriter, r *http.Request) { serve(data, "", w, r) })
	writeFile(t, pc.final(), []byte("whatever was there"))
	res, err := Pull(t.Context(), pc.url, pc.opts(""))
	if err != nil || !res.AlreadyThere {
		t.Fatalf("%+v, %v", res, err)
	}
	if n, _ := pc.rec.seen(); n != 0 {
		t.Errorf("%d requests for a model already there", n)
	}
	opts := pc.opts(sha(data))
	opts.Force = true
	if _, err := Pull(t.Context(), pc.url, opts); err != nil {
		t.Fatal(err)
	}
	pc.installed(t, data)
}

func TestPullResumesAfterDroppedConnection(t *testing.T) {
	data := testModel(t)
	pc := newPull(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 1 {
			dropAfter(data, 1_000_000, w)
		}
		serve(data, `"v1"`, w, r)
	})
	_, err := Pull(t.Context(), pc.url, pc.opts(sha(data)))
	var ie *InterruptedError
	if !errors.As(err, &ie) || !errors.Is(err, ErrInterrupted) {
		t.Fatalf("err = %v, want an interruption", err)
	}
	pc.notInstalled(t, true)
	st, _ := os.Stat(pc.part())
	if ie.Done <= 0 || ie.Done > 1_000_000 || st.Size() != ie.Done || ie.Total != int64(len(data)) {
		t.Fatalf("interrupted at %d of %d, part holds %d", ie.Done, ie.Total, st.Size())
	}
	if !strings.Contains(err.Error(), "run the same `model pull` again to resume") {
		t.Errorf("message does not say how to resume: %v", err)
	}

	pc.reps = nil
	res, err := Pull(t.Context(), pc.url, pc.opts(sha(data)))
	if err != nil {
		t.Fatal(err)
	}
	pc.installed(t, data)
	_, ranges := pc.rec.seen()
	if want := fmt.Sprintf("bytes=%d-", ie.Done); len(ranges) != 2 || ranges[1] != want {
		t.Errorf("ranges %q, want the second to be %q", ranges, want)
	}
	if res.Resumed != ie.Done || !res.Verified {
		t.Errorf("result %+v", res)
	}
	if pc.reps[0].Resumed != ie.Done || pc.reps[0].Done != ie.Done {
		t.Errorf("first progress of the resumed pull: %+v", pc.reps[0])
	}
}

func TestPullServerIgnoresRange(t *testing.T) {
	data := testModel(t)
	pc := newPull(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 1 {
			dropAfter(data, 700_000, w)
		}
		// A server without range support: always the whole file.
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		w.Write(data)
	})
	if _, err := Pull(t.Context(), pc.url, pc.opts(sha(data))); !errors.Is(err, ErrInterrupted) {
		t.Fatalf("first pull: %v", err)
	}
	res, err := Pull(t.Context(), pc.url, pc.opts(sha(data)))
	if err != nil {
		t.Fatal(err)
	}
	pc.installed(t, data)
	if _, ranges := pc.rec.seen(); len(ranges) != 2 || !strings.HasPrefix(ranges[1], "bytes=") {
		t.Errorf("ranges %q: the resume did not ask for a range", ranges)
	}
	if res.Resumed != 0 {
		t.Errorf("Resumed = %d after a restart from scratch", res.Resumed)
	}
}

func TestPullFileChangedBetweenAttempts(t *testing.T) {
	v1, v2 := testModel(t), synthModel(t, 2)
	var ifRange string
	pc := newPull(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 1 {
			w.Header().Set("ETag", `"v1"`)
			dropAfter(v1, 900_000, w)
		}
		// The publisher replaced the file meanwhile.
		ifRange = r.Header.Get("If-Range")
		serve(v2, `"v2"`, w, r)
	})
	if _, err := Pull(t.Context(), pc.url, pc.opts("")); !errors.Is(err, ErrInterrupted) {
		t.Fatalf("first pull: %v", err)
	}
	res, err := Pull(t.Context(), pc.url, pc.opts(sha(v2)))
	if err != nil {
		t.Fatal(err)
	}
	pc.installed(t, v2)
	if ifRange != `"v1"` || res.Resumed != 0 {
		t.Errorf("If-Range %q, Resumed %d: want the old ETag sent and a restart", ifRange, res.Resumed)
	}
}

func TestPullRangeInPieces(t *testing.T) {
	data := testModel(t)
	const piece = 700_000
	pc := newPull(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 1 {
			dropAfter(data, 300_000, w)
		}
		var from int
		fmt.Sscanf(r.Header.Get("Range"), "bytes=%d-", &from)
		to := min(from+piece, len(data)) - 1
		w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", from, to, len(data)))
		w.Header().Set("Content-Length", strconv.Itoa(to-from+1))
		w.WriteHeader(http.StatusPartialContent)
		w.Write(data[from : to+1])
	})
	Pull(t.Context(), pc.url, pc.opts(""))
	if _, err := Pull(t.Context(), pc.url, pc.opts(sha(data))); err != nil {
		t.Fatal(err)
	}
	pc.installed(t, data)
	n, ranges := pc.rec.seen()
	if wantReq := 1 + (len(data)-300_000+piece-1)/piece; n != wantReq || ranges[2] != "bytes=1000000-" {
		t.Errorf("%d requests %q, want %d", n, ranges, wantReq)
	}
}

func TestPullPartLongerThanFileStartsOver(t *testing.T) {
	data := testModel(t)
	pc := newPull(t, func(_ int, w http.ResponseWriter, r *http.Request) { serve(data, "", w, r) })
	// An earlier download (of unknown length) of a bigger, older file.
	writeFile(t, pc.part(), append(append([]byte(nil), data...), make([]byte, 5000)...))
	meta, _ := json.Marshal(partMeta{URL: pc.url, Total: -1})
	writeFile(t, pc.final()+metaSuffix, meta)
	if _, err := Pull(t.Context(), pc.url, pc.opts(sha(data))); err != nil {
		t.Fatal(err)
	}
	pc.installed(t, data)
	if n, ranges := pc.rec.seen(); n != 2 || ranges[0] != fmt.Sprintf("bytes=%d-", len(data)+5000) || ranges[1] != "" {
		t.Errorf("requests %q: want a refused range, then the whole file", ranges)
	}
}

func TestPullCompletePartNeedsNoRequest(t *testing.T) {
	data := testModel(t)
	pc := newPull(t, func(_ int, w http.ResponseWriter, r *http.Request) { serve(data, "", w, r) })
	writeFile(t, pc.part(), data)
	meta, _ := json.Marshal(partMeta{URL: pc.url, Total: int64(len(data))})
	writeFile(t, pc.final()+metaSuffix, meta)
	res, err := Pull(t.Context(), pc.url, pc.opts(sha(data)))
	if err != nil {
		t.Fatal(err)
	}
	pc.installed(t, data)
	if n, _ := pc.rec.seen(); n != 0 || res.Resumed != int64(len(data)) {
		t.Errorf("%d requests, resumed %d", n, res.Resumed)
	}
}

func TestPullLyingLengths(t *testing.T) {
	data := testModel(t)
	t.Run("announces more than it sends", func(t *testing.T) {
		pc := newPull(t, func(_ int, w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", strconv.Itoa(len(data)+4096))
			w.Write(data) // and the server closes: the rest never comes
		})
		_, err := Pull(t.Context(), pc.url, pc.opts(""))
		var ie *InterruptedError
		if !errors.As(err, &ie) || ie.Done != int64(len(data)) || ie.Total != int64(len(data)+4096) {
			t.Fatalf("err = %v", err)
		}
		if !strings.Contains(err.Error(), HumanBytes(int64(len(data)+4096))) {
			t.Errorf("message does not give the announced size: %v", err)
		}
		pc.notInstalled(t, true)
	})
	t.Run("announces less than the file", func(t *testing.T) {
		pc := newPull(t, func(_ int, w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", strconv.Itoa(len(data)-4096))
			w.Write(data[:len(data)-4096])
			w.Write(data[len(data)-4096:]) // refused by net/http, as a lying server's extra bytes are by any client
		})
		_, err := Pull(t.Context(), pc.url, pc.opts(""))
		if !errors.Is(err, ErrNotGGUF) || !strings.Contains(err.Error(), "past the end of the file") {
			t.Fatalf("err = %v, want a truncated-GGUF error", err)
		}
		pc.notInstalled(t, false)
	})
	t.Run("Content-Length contradicts Content-Range", func(t *testing.T) {
		pc := newPull(t, func(n int, w http.ResponseWriter, r *http.Request) {
			if n == 1 {
				dropAfter(data, 500_000, w)
			}
			var from int
			fmt.Sscanf(r.Header.Get("Range"), "bytes=%d-", &from)
			w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", from, len(data)-1, len(data)))
			w.Header().Set("Content-Length", strconv.Itoa(len(data)-from-100))
			w.WriteHeader(http.StatusPartialContent)
			w.Write(data[from : len(data)-100])
		})
		Pull(t.Context(), pc.url, pc.opts(""))
		st, _ := os.Stat(pc.part())
		before := st.Size()
		_, err := Pull(t.Context(), pc.url, pc.opts(""))
		if !errors.Is(err, ErrLength) || !strings.Contains(err.Error(), "Content-Length") {
			t.Fatalf("err = %v", err)
		}
		pc.notInstalled(t, true)
		if st, _ := os.Stat(pc.part()); st.Size() != before {
			t.Errorf("part changed from %d to %d bytes on a contradicting answer", before, st.Size())
		}
	})
	t.Run("known size differs", func(t *testing.T) {
		pc := newPull(t, func(_ int, w http.ResponseWriter, r *http.Request) { serve(data, "", w, r) })
		_, err := PullSource(t.Context(), Source{URL: pc.url, Name: "synth", Size: int64(len(data)) + 1}, pc.opts(""))
		if !errors.Is(err, ErrLength) || !strings.Contains(err.Error(), "announces") {
			t.Fatalf("err = %v", err)
		}
		pc.notInstalled(t, false)
	})
}

func TestPullRefusals(t *testing.T) {
	data := testModel(t)
	t.Run("404 names the URL", func(t *testing.T) {
		pc := newPull(t, func(_ int, w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
		_, err := Pull(t.Context(), pc.url, pc.opts(""))
		var he *HTTPError
		if !errors.As(err, &he) || he.StatusCode != 404 || !strings.Contains(err.Error(), pc.url) {
			t.Fatalf("err = %v", err)
		}
		pc.notInstalled(t, false)
	})
	t.Run("bad checksum", func(t *testing.T) {
		pc := newPull(t, func(_ int, w http.ResponseWriter, r *http.Request) { serve(data, "", w, r) })
		wrong := sha([]byte("another file"))
		_, err := Pull(t.Context(), pc.url, pc.opts(wrong))
		var ce *ChecksumError
		if !errors.As(err, &ce) || ce.Got != sha(data) || ce.Want != wrong {
			t.Fatalf("err = %v", err)
		}
		pc.notInstalled(t, false)
	})
	t.Run("an HTML page is not a model", func(t *testing.T) {
		pc := newPull(t, func(_ int, w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte("<!DOCTYPE html><title>Log in</title>" + strings.Repeat(" ", 1<<20)))
		})
		_, err := Pull(t.Context(), pc.url, pc.opts(""))
		if !errors.Is(err, ErrNotGGUF) || !strings.Contains(err.Error(), `"<!DO"`) || !strings.Contains(err.Error(), "text/html") {
			t.Fatalf("err = %v", err)
		}
		pc.notInstalled(t, false)
	})
	t.Run("not enough disk space", func(t *testing.T) {
		pc := newPull(t, func(_ int, w http.ResponseWriter, r *http.Request) { serve(data, "", w, r) })
		old := freeSpace
		freeSpace = func(string) int64 { return 1 << 20 }
		defer func() { freeSpace = old }()
		_, err := Pull(t.Context(), pc.url, pc.opts(""))
		if err == nil || !strings.Contains(err.Error(), "not enough disk space") || !strings.Contains(err.Error(), "1.0 MB free") {
			t.Fatalf("err = %v", err)
		}
		pc.notInstalled(t, false)
	})
}

func TestPullCancelLeavesResumablePart(t *testing.T) {
	data := testModel(t)
	ctx, cancel := context.WithCancel(t.Context())
	var part string
	pc := newPull(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 1 {
			w.Header().Set("Content-Length", strconv.Itoa(len(data)))
			w.Write(data[:800_000])
			w.(http.Flusher).Flush()
			// Ctrl-C while bytes are flowing, once some reached the part.
			for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
				if st, err := os.Stat(part); err == nil && st.Size() > 0 {
					break
				}
			}
			cancel()
			<-r.Context().Done()
			return
		}
		serve(data, "", w, r)
	})
	part = pc.part()
	_, err := Pull(ctx, pc.url, pc.opts(sha(data)))
	var ie *InterruptedError
	if !errors.Is(err, context.Canceled) || !errors.As(err, &ie) {
		t.Fatalf("err = %v, want a cancelled interruption", err)
	}
	pc.notInstalled(t, true)
	if st, _ := os.Stat(part); st.Size() != ie.Done || ie.Done == 0 {
		t.Fatalf("part holds %d bytes, the error says %d", st.Size(), ie.Done)
	}
	res, err := Pull(t.Context(), pc.url, pc.opts(sha(data)))
	if err != nil {
		t.Fatal(err)
	}
	pc.installed(t, data)
	if _, ranges := pc.rec.seen(); res.Resumed != ie.Done || ranges[1] != fmt.Sprintf("bytes=%d-", ie.Done) {
		t.Errorf("resumed %d with ranges %q", res.Resumed, ranges)
	}
}

func TestPullStall(t *testing.T) {
	data := testModel(t)
	pc := newPull(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		w.Write(data[:100_000])
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	})
	opts := pc.opts("")
	opts.StallTimeout = 200 * time.Millisecond
	_, err := Pull(t.Context(), pc.url, opts)
	if !errors.Is(err, errStalled) || !errors.Is(err, ErrInterrupted) || !strings.Contains(err.Error(), "no data received") {
		t.Fatalf("err = %v", err)
	}
	pc.notInstalled(t, true)
}

func TestPullConnectionFailures(t *testing.T) {
	t.Run("connection refused", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		dir := t.TempDir()
		_, err = Pull(t.Context(), "http://"+addr+"/m.gguf", Options{Dir: dir})
		if err == nil || !strings.Contains(err.Error(), "cannot connect to "+addr) {
			t.Fatalf("err = %v", err)
		}
		if exists(filepath.Join(dir, "m.gguf.part")) {
			t.Error("empty part left behind")
		}
	})
	t.Run("name does not resolve", func(t *testing.T) {
		noDNS := &net.Resolver{PreferGo: true, Dial: func(context.Context, string, string) (net.Conn, error) {
			return nil, errors.New("no DNS server here")
		}}
		client := &http.Client{Transport: &http.Transport{DialContext: (&net.Dialer{Resolver: noDNS}).DialContext}}
		_, err := Pull(t.Context(), "https://models.example/m.gguf", Options{Dir: t.TempDir(), Client: client})
		if err == nil || !strings.Contains(err.Error(), "cannot look up models.example") {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestPullLockedByAnotherPull(t *testing.T) {
	data := testModel(t)
	pc := newPull(t, func(_ int, w http.ResponseWriter, r *http.Request) { serve(data, "", w, r) })
	f, err := os.OpenFile(pc.part(), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if busy, err := lockPart(f); busy || err != nil {
		t.Fatalf("lock: %v %v", busy, err)
	}
	if g, _ := os.Open(pc.part()); g != nil {
		busy, _ := lockPart(g)
		g.Close()
		if !busy {
			t.Skip("no file locking on this system")
		}
	}
	_, err = Pull(t.Context(), pc.url, pc.opts(""))
	if err == nil || !strings.Contains(err.Error(), "another `model pull` is downloading synth") {
		t.Fatalf("err = %v", err)
	}
	if n, _ := pc.rec.seen(); n != 0 {
		t.Error("a locked download still made requests")
	}
}

func TestWriteErrorDiskFull(t *testing.T) {
	err := writeError("/m/x.gguf.part", 5_000_000, 10_000_000, &os.PathError{Op: "write", Path: "/m/x.gguf.part", Err: syscall.ENOSPC})
	for _, want := range []string{"disk full writing /m/x.gguf.part", "5.0 MB of 10.0 MB done, kept", "to resume"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q lacks %q", err, want)
		}
	}
	if !errors.Is(err, syscall.ENOSPC) {
		t.Error("the cause is lost")
	}
}

func TestResolveSource(t *testing.T) {
	tests := []struct {
		src  string
		opts Options
		want Source
		err  string
	}{
		{src: "tinyllama", want: Source{URL: known[2].URL, Name: "tinyllama", Size: 668788096, SHA256: known[2].SHA256}},
		{src: "Qwen2.5-0.5B", want: Source{URL: known[0].URL, Name: "qwen2.5-0.5b", Size: 491400032, SHA256: known[0].SHA256}},
		{src: "https://h.example/a/My-Model.Q4_K_M.gguf?download=true", want: Source{URL: "https://h.example/a/My-Model.Q4_K_M.gguf?download=true", Name: "My-Model.Q4_K_M"}},
		{src: "http://h.example/x", opts: Options{Name: "mine.gguf", SHA256: strings.Repeat("AB", 32)},
			want: Source{URL: "http://h.example/x", Name: "mine", SHA256: strings.Repeat("ab", 32)}},
		{src: "tinyllama", opts: Options{Name: "tl"}, want: Source{URL: known[2].URL, Name: "tl", Size: 668788096, SHA256: known[2].SHA256}},
		{src: "https://huggingface.co/o/r/blob/main/f.Q4_K_M.gguf", want: Source{URL: "https://huggingface.co/o/r/resolve/main/f.Q4_K_M.gguf", Name: "f.Q4_K_M"}},
		{src: "https://h.example/", err: "give it a name"},
		{src: "https://h.example/.hidden.gguf", err: "starts with a dot"},
		{src: "http://h.example/x", opts: Options{Name: "a/b"}, err: "path separator"},
		{src: "http://h.example/x.gguf", opts: Options{SHA256: "abc"}, err: "not 64 hex digits"},
		{src: "gpt-5", err: `"gpt-5" is neither a known model (smollm2-360m, qwen2.5-0.5b, tinyllama, llama3.2-1b, smollm2-1.7b, qwen2.5-1.5b) nor an http(s) URL`},
		{src: "ftp://h.example/x.gguf", err: "nor an http(s) URL"},
	}
	for _, tt := range tests {
		got, err := ResolveSource(tt.src, tt.opts)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s: err = %v, want %q", tt.src, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%s: got %+v, %v\nwant %+v", tt.src, got, err, tt.want)
		}
	}
}

func TestKnownTable(t *testing.T) {
	names := map[string]bool{}
	for _, k := range Recommended() {
		if names[k.Name] {
			t.Errorf("%s twice", k.Name)
		}
		names[k.Name] = true
		if !strings.HasPrefix(k.URL, "https://huggingface.co/") || !strings.Contains(k.URL, "/resolve/main/") || !strings.HasSuffix(k.URL, ".gguf") {
			t.Errorf("%s: URL %s is not a Hugging Face resolve/main GGUF URL", k.Name, k.URL)
		}
		if !strings.Contains(strings.ToLower(k.URL), "q4_k_m") {
			t.Errorf("%s: %s is not the Q4_K_M file", k.Name, k.URL)
		}
		if k.Size < 100e6 || k.Size > 2e9 {
			t.Errorf("%s: size %d", k.Name, k.Size)
		}
		if _, err := ResolveSource(k.Name, Options{}); err != nil {
			t.Errorf("%s: %v", k.Name, err)
		}
		if err := checkName(k.Name); err != nil {
			t.Error(err)
		}
	}
	if len(names) != 6 {
		t.Errorf("%d known models, want the 6 of docs/models.md", len(names))
	}
}

func TestMeterRate(t *testing.T) {
	now := time.Unix(0, 0)
	var reps []Progress
	m := newMeter(func(p Progress) { reps = append(reps, p) }, func() time.Time { return now })
	m.start(1000, 100_000_000)
	// 1 MB every 100 ms for 5 s (10 MB/s), then 1 MB every 100 ms... at
	// half speed for 5 s: the rate must follow within the window.
	for i := 0; i < 50; i++ {
		now = now.Add(100 * time.Millisecond)
		m.add(1_000_000)
	}
	if r := reps[len(reps)-1].Rate; r < 9.9e6 || r > 10.1e6 {
		t.Errorf("rate %.0f, want 10 MB/s", r)
	}
	for i := 0; i < 50; i++ {
		now = now.Add(100 * time.Millisecond)
		m.add(500_000)
	}
	last := reps[len(reps)-1]
	if last.Rate < 4.9e6 || last.Rate > 5.1e6 {
		t.Errorf("rate %.0f after slowing down, want 5 MB/s", last.Rate)
	}
	if last.Done != 1000+50*1_000_000+50*500_000 || last.Resumed != 1000 {
		t.Errorf("last %+v", last)
	}
	// Bursts within one interval are reported once.
	n := len(reps)
	m.add(1)
	m.add(1)
	if len(reps) != n {
		t.Errorf("%d reports for calls within 100ms", len(reps)-n)
	}
	m.finish(123)
	if p := reps[len(reps)-1]; !p.Finished || p.Done != 123 || p.Total != 123 {
		t.Errorf("final %+v", p)
	}
}
