package script

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParseFormat feeds arbitrary text to the parser: it must never panic,
// and whatever it accepts must print to canonical text that parses back to
// the same commands and prints the same again. `go test` runs the seed
// corpus (every scenario and the every-command script); `go test -fuzz
// FuzzParseFormat ./netsim/script` explores further.
func FuzzParseFormat(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(scenarioDir, "*.txt"))
	for _, file := range files {
		text, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(text))
	}
	f.Add(everyCommand)
	f.Add("cluster\nput c1 \"a\\\"b\" \"\"\nexpect value \"x y\"=\"#\"\n")
	f.Fuzz(func(t *testing.T, text string) {
		s, err := Parse(text)
		if err != nil {
			if _, ok := err.(*LineError); !ok {
				t.Fatalf("error of type %T, not *LineError: %v", err, err)
			}
			return
		}
		canonical := s.Format()
		again, err := Parse(canonical)
		if err != nil {
			t.Fatalf("canonical text does not parse: %v\n%s", err, canonical)
		}
		if len(again.Lines) != len(s.Lines) {
			t.Fatalf("canonical text has %d lines, the original %d", len(again.Lines), len(s.Lines))
		}
		for i := range s.Lines {
			if s.Lines[i].Format() != again.Lines[i].Format() {
				t.Fatalf("line %d changes meaning: %q became %q", i+1, s.Lines[i].Format(), again.Lines[i].Format())
			}
		}
	})
}
