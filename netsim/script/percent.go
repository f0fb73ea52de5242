package script

import (
	"fmt"
	"strconv"
	"strings"
)

// Percent is a probability written as a percentage, stored exactly in parts
// per million so that parsing and printing never round: 12.5% is 125000.
type Percent int32

// percentScale is the number of parts per million in one percent.
const percentScale = 10000

// Float returns the percentage as a number between 0 and 100, the form the
// world's link settings take.
func (p Percent) Float() float64 { return float64(p) / percentScale }

// String renders the percentage with as many decimals as it needs: 50%, 12.5%.
func (p Percent) String() string {
	whole := int64(p) / percentScale
	frac := int64(p) % percentScale
	if frac == 0 {
		return strconv.FormatInt(whole, 10) + "%"
	}
	digits := strings.TrimRight(fmt.Sprintf("%04d", frac), "0")
	return strconv.FormatInt(whole, 10) + "." + digits + "%"
}

// parsePercent reads a percentage between 0% and 100%, with up to four decimals.
func parsePercent(s string) (Percent, error) {
	number, ok := strings.CutSuffix(s, "%")
	if !ok {
		return 0, fmt.Errorf("%q is not a percentage (write it like 25%%)", s)
	}
	if strings.HasPrefix(number, "-") {
		return 0, fmt.Errorf("percentage %q is negative; it must be between 0%% and 100%%", s)
	}
	whole, frac, hasPoint := strings.Cut(number, ".")
	if whole == "" || hasPoint && frac == "" || !allDigits(whole) || !allDigits(frac) || len(whole) > 6 {
		return 0, fmt.Errorf("%q is not a percentage (write it like 25%%)", s)
	}
	if len(frac) > 4 {
		return 0, fmt.Errorf("percentage %q has more than four decimals", s)
	}
	w, _ := strconv.ParseInt(whole, 10, 64)
	f := int64(0)
	if frac != "" {
		f, _ = strconv.ParseInt(frac+strings.Repeat("0", 4-len(frac)), 10, 64)
	}
	ppm := w*percentScale + f
	if ppm > 100*percentScale {
		return 0, fmt.Errorf("percentage %q is more than 100%%", s)
	}
	return Percent(ppm), nil
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
