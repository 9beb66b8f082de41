package store

import "fmt"

// HumanBytes writes a size in decimal units, as model pages give them
// ("668.8 MB").
func HumanBytes(n int64) string {
	switch {
	case n < 0:
		return "?"
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 1000_000:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	case n < 1000_000_000:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	}
	return fmt.Sprintf("%.2f GB", float64(n)/1e9)
}

// HumanParams writes a parameter count as model names do ("1.1B", "494M").
func HumanParams(n uint64) string {
	switch {
	case n == 0:
		return "-"
	case n < 1000:
		return fmt.Sprintf("%d", n)
	case n < 1000_000:
		return fmt.Sprintf("%.0fK", float64(n)/1e3)
	case n < 1000_000_000:
		return fmt.Sprintf("%.0fM", float64(n)/1e6)
	}
	return fmt.Sprintf("%.1fB", float64(n)/1e9)
}
