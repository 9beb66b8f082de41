package intents

import (
	"testing"
	"time"
)

// benchPhrasings mix categories, lengths and a miss.
var benchPhrasings = []string{
	"find the 5 biggest files in my downloads folder",
	"what's taking up space in downloads",
	"show large files over 1 gig",
	"files modified in the last 3 days in documents",
	"replace foo with bar in notes.txt",
	"make the script executable",
	"how many lines of python code in my projects",
	"what is using port 8080",
	"undo my last commit keeping changes",
	"my computer feels slow",
	"extract site.tar.gz into web",
	"who is logged in",
	"purple monkey dishwasher",
}

// BenchmarkMatch measures one request end to end: tokenize, recognise
// slots (reading the directories named), align every candidate phrasing,
// render. ns/op is per request.
func BenchmarkMatch(b *testing.B) {
	fx := newFixture(b)
	r := NewRules(DetectHost())
	r.Now = func() time.Time { return fx.now }
	catalogue()
	for _, say := range benchPhrasings { // warm the host's tool cache
		r.Match(Request{Text: say, Dir: fx.home, Home: fx.home})
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		say := benchPhrasings[i%len(benchPhrasings)]
		r.Match(Request{Text: say, Dir: fx.home, Home: fx.home})
	}
}

// BenchmarkMatchEach reports each phrasing separately.
func BenchmarkMatchEach(b *testing.B) {
	fx := newFixture(b)
	r := NewRules(DetectHost())
	r.Now = func() time.Time { return fx.now }
	for _, say := range benchPhrasings {
		r.Match(Request{Text: say, Dir: fx.home, Home: fx.home})
		b.Run(say, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				r.Match(Request{Text: say, Dir: fx.home, Home: fx.home})
			}
		})
	}
}
