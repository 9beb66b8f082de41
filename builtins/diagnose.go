package builtins

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/llamashell/lsh/builtins/internal/sysinfo"
	"github.com/llamashell/lsh/intents"
)

// diagnose is the answer to "my computer feels slow": it measures the
// machine for a moment, says what is most likely wrong, and proposes fixes
// as risk-rated intents that it never runs itself.

// DefaultSample is how long diagnose watches the CPUs, processes, swap and
// disks by default: long enough to tell a busy program from a blip, short
// enough that the person hardly waits.
const DefaultSample = 500 * time.Millisecond

// maxSample bounds --sample: diagnose is a look, not a monitor.
const maxSample = time.Minute

// Diagnosis is what diagnose found; --json prints it.
type Diagnosis struct {
	// Summary names the most likely culprit in one sentence.
	Summary string `json:"summary"`
	// Findings are ordered worst first.
	Findings []Finding `json:"findings"`
	Measured Measured  `json:"measured"`
	// Unmeasured says what could not be measured and why.
	Unmeasured []string `json:"unmeasured,omitempty"`
}

// Measured is the headline numbers the findings come from.
type Measured struct {
	SampleMS     int64      `json:"sample_ms"`
	Cores        int        `json:"cores"`
	Load         [3]float64 `json:"load"`
	CPUBusy      float64    `json:"cpu_busy_percent"`
	MemTotal     uint64     `json:"mem_total"`
	MemAvailable uint64     `json:"mem_available"`
	SwapTotal    uint64     `json:"swap_total"`
	SwapUsed     uint64     `json:"swap_used"`
	Processes    int        `json:"processes"`
}

// Diagnose measures this machine for sample and analyses it, as the
// diagnose builtin does; the TUI calls it to render the findings itself.
func Diagnose(ctx context.Context, sample time.Duration) (Diagnosis, error) {
	return defaultDiagnoser.diagnose(ctx, &Env{Getenv: os.Getenv}, sample)
}

// diagnoser holds what diagnose reads of the world, so tests can replace
// the machine with a synthetic Snapshot and the host with fake tools.
type diagnoser struct {
	measure func(ctx context.Context, sample time.Duration) (*sysinfo.Snapshot, error)
	has     func(tool string) bool
	self    int // the process diagnose runs in; 0: this one
}

var defaultDiagnoser = diagnoser{
	measure: sysinfo.Collect,
	has:     func(tool string) bool { return intents.DetectHost().Has(tool) },
}

func (d diagnoser) diagnose(ctx context.Context, env *Env, sample time.Duration) (Diagnosis, error) {
	s, err := d.measure(ctx, sample)
	if err != nil {
		return Diagnosis{}, err
	}
	home := getenv(env, "HOME")
	self := d.self
	if self == 0 {
		self = os.Getpid()
	}
	found := analyse(s, hostFacts{Home: home, Has: d.has, Self: self})
	sort.SliceStable(found, func(i, j int) bool {
		a, b := found[i], found[j]
		if a.Severity.rank() != b.Severity.rank() {
			return a.Severity.rank() > b.Severity.rank()
		}
		return a.score > b.score
	})
	dg := Diagnosis{Summary: summarise(s, found), Findings: found, Unmeasured: s.Problems}
	dg.Measured = Measured{SampleMS: s.Sample.Milliseconds(), Cores: s.Cores, Load: s.Load,
		MemTotal: s.Mem.Total, MemAvailable: s.Mem.Available, SwapTotal: s.Mem.SwapTotal, SwapUsed: s.Mem.SwapUsed,
		Processes: len(s.Procs)}
	if s.HasCPU {
		dg.Measured.CPUBusy = s.CPU.Busy()
	}
	if dg.Findings == nil {
		dg.Findings = []Finding{}
	}
	return dg, nil
}

const diagnoseUsage = "usage: diagnose [--json] [--sample DURATION]"

func (d diagnoser) run(ctx context.Context, env *Env, args []string) int {
	asJSON, sample := false, DefaultSample
	for i := 1; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--json":
			asJSON = true
		case a == "-h" || a == "--help":
			fmt.Fprintln(env.Stdout, diagnoseUsage)
			fmt.Fprintln(env.Stdout, "Looks at load, CPU and memory hogs, swap, pressure, disks and processes for a moment\n"+
				"(--sample, default 0.5s; 0 uses averages since boot) and proposes fixes. It changes nothing.")
			return 0
		case a == "--sample" || strings.HasPrefix(a, "--sample="):
			v, ok := strings.CutPrefix(a, "--sample=")
			if !ok {
				if i+1 == len(args) {
					return env.Errorf(2, "diagnose", "--sample needs a duration such as 500ms or 1s")
				}
				i++
				v = args[i]
			}
			dur, err := parseSample(v)
			if err != nil {
				return env.Errorf(2, "diagnose", "--sample %q: %v", v, err)
			}
			sample = dur
		default:
			return env.Errorf(2, "diagnose", "unexpected argument %q\n%s", a, diagnoseUsage)
		}
	}
	dg, err := d.diagnose(ctx, env, sample)
	if err != nil {
		return env.Errorf(1, "diagnose", "%v", err)
	}
	if asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(dg); err != nil {
			return env.Errorf(1, "diagnose", "writing JSON: %v", err)
		}
		return 0
	}
	dg.write(env.Stdout, textWidth(env, env.Stdout))
	return 0
}

// parseSample reads a duration as Go writes them (500ms, 1s) or as a
// plain number of seconds (0.5).
func parseSample(v string) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil {
		secs, ferr := strconv.ParseFloat(v, 64)
		if ferr != nil {
			return 0, fmt.Errorf("not a duration (write 500ms, 1s or 0.5)")
		}
		d = time.Duration(secs * float64(time.Second))
	}
	switch {
	case d < 0:
		return 0, fmt.Errorf("a duration cannot be negative")
	case d > maxSample:
		return 0, fmt.Errorf("longer than %s: diagnose takes a look, it does not monitor", maxSample)
	}
	return d, nil
}

// summarise names the most likely culprit: the worst finding, and when it
// is about CPU or memory, the program behind it.
func summarise(s *sysinfo.Snapshot, found []Finding) string {
	var top *Finding
	for i := range found {
		f := &found[i]
		if f.Severity == OK {
			continue
		}
		if top == nil || f.Severity.rank() > top.Severity.rank() || f.Severity == top.Severity && f.score > top.score {
			top = f
		}
	}
	if top == nil {
		var facts []string
		if s.HasLoad {
			facts = append(facts, fmt.Sprintf("load %.1f on %s", s.Load[0], plural(max(s.Cores, 1), "core", "cores")))
		}
		if s.Mem.Total > 0 {
			facts = append(facts, fmt.Sprintf("%.0f%% of memory available", pct(s.Mem.Available, s.Mem.Total)))
		}
		if len(s.Disks) > 0 {
			facts = append(facts, "no disk nearly full")
		}
		if len(facts) == 0 {
			return "Nothing stands out, but little could be measured."
		}
		return "Nothing stands out: " + strings.Join(facts, ", ") + "."
	}
	// hog finds the worst hog of a kind at least as bad as sev.
	hog := func(check string, sev Severity) *Finding {
		var best *Finding
		for i := range found {
			f := &found[i]
			if f.Check == check && f.Severity.rank() >= sev.rank() && f.Severity != OK && (best == nil || f.score > best.score) {
				best = f
			}
		}
		return best
	}
	switch top.domain {
	case "cpu":
		// A program is the culprit only when it takes a real share of
		// an overloaded machine (a problem), not merely the largest.
		h := hog("cpu-hog", top.Severity)
		switch {
		case h != nil && s.HasLoad:
			return fmt.Sprintf("Most likely culprit: %s while the load is %.1f on %s.", h.culprit, s.Load[0], plural(max(s.Cores, 1), "core", "cores"))
		case h != nil:
			return "Most likely culprit: " + h.culprit + "."
		case top.Check == "cpu-steal":
			return "Most likely culprit: " + top.Title + "."
		}
		what := top.Title
		if s.HasLoad {
			what = fmt.Sprintf("load %.1f on %s", s.Load[0], plural(max(s.Cores, 1), "core", "cores"))
		}
		out := "Most likely culprit: the CPUs are overloaded (" + what + ") and no single program stands out"
		if h := hog("cpu-hog", Warning); h != nil {
			out += "; the busiest: " + h.culprit
		}
		return out + "."
	case "memory":
		short := fmt.Sprintf("memory is short (%.0f%% available", pct(s.Mem.Available, s.Mem.Total))
		if s.Mem.SwapInRate >= limits.swapIn.warn {
			short += ", swapping " + size(uint64(s.Mem.SwapInRate)) + "/s"
		} else if s.Mem.SwapTotal > 0 && s.Mem.SwapUsed > 0 {
			short += ", " + size(s.Mem.SwapUsed) + " in swap"
		}
		short += ")"
		if h := hog("memory-hog", Warning); h != nil {
			if top.Check == "memory-hog" && s.Mem.Total > 0 && pct(s.Mem.Available, s.Mem.Total) > limits.memAvailable.warn {
				return "Most likely culprit: " + h.culprit + "."
			}
			return "Most likely culprit: " + short + " and " + h.culprit + "."
		}
		return "Most likely culprit: " + short + ", shared among many programs."
	}
	return "Most likely culprit: " + top.Title + "."
}

// write prints the report for a person: the summary, then each finding
// with its details and proposed fixes, worst first; prose wrapped to width
// (0: not wrapped), commands never.
func (dg Diagnosis) write(w io.Writer, width int) {
	hanging(w, "", 0, dg.Summary, width)
	fmt.Fprintln(w)
	for _, f := range dg.Findings {
		hanging(w, string(f.Severity), 9, f.Title, width)
		if f.Detail != "" {
			hanging(w, "", 9, f.Detail, width)
		}
		for _, fx := range f.Fixes {
			hanging(w, "         fix: ", 14, fx.Explanation, width)
			fmt.Fprintf(w, "%-8s      %s\n", "", fixLine(fx))
		}
	}
	for _, u := range dg.Unmeasured {
		fmt.Fprintf(w, "%-8s %s\n", "unknown", u)
	}
	fmt.Fprintln(w)
	end := "Averages since boot (no sample). "
	if dg.Measured.SampleMS > 0 {
		end = fmt.Sprintf("Watched for %s. ", seconds(time.Duration(dg.Measured.SampleMS)*time.Millisecond))
	}
	hanging(w, "", 0, end+"diagnose changed nothing: to apply a fix, type its command or ask lsh to.", width)
}

// seconds formats a short duration as "0.5 s".
func seconds(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', 1, 64) + " s"
}

// getenv reads a shell variable through the Env, or the process
// environment when the Env has no Getenv.
func getenv(env *Env, name string) string {
	if env != nil && env.Getenv != nil {
		return env.Getenv(name)
	}
	return os.Getenv(name)
}
