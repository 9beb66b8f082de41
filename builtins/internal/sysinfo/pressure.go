package sysinfo

import (
	"fmt"
	"strconv"
	"strings"
)

// ParsePressure parses the text of a /proc/pressure file: one "some" line
// and, except for cpu on older kernels, one "full" line, each of the form
//
//	some avg10=1.53 avg60=0.87 avg300=0.22 total=58761459
//
// where avgN is the percentage of the last N seconds in which tasks were
// stalled and total is the stall time in microseconds. Unknown keys are
// ignored, so later kernels may add some.
func ParsePressure(text string) (Pressure, error) {
	var p Pressure
	seen := false
	for i, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		var ten, sixty *float64
		switch f[0] {
		case "some":
			ten, sixty = &p.Some10, &p.Some60
		case "full":
			ten, sixty = &p.Full10, &p.Full60
			p.HasFull = true
		default:
			return Pressure{}, fmt.Errorf("line %d: %q is neither some nor full", i+1, f[0])
		}
		seen = true
		for _, kv := range f[1:] {
			k, v, ok := strings.Cut(kv, "=")
			if !ok {
				return Pressure{}, fmt.Errorf("line %d: %q is not key=value", i+1, kv)
			}
			var dst *float64
			switch k {
			case "avg10":
				dst = ten
			case "avg60":
				dst = sixty
			default:
				continue
			}
			x, err := strconv.ParseFloat(v, 64)
			if err != nil || x < 0 || x > 100 {
				return Pressure{}, fmt.Errorf("line %d: %s=%q is not a percentage", i+1, k, v)
			}
			*dst = x
		}
	}
	if !seen {
		return Pressure{}, fmt.Errorf("no some or full line")
	}
	return p, nil
}
