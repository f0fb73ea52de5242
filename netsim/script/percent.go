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

// Fraction returns the probability as a number between 0 and 1.
func (p Percent) Fraction() float64 { return float64(p) / (100 * percentScale) }

// PartsPerMillion returns the probability in parts per million, for callers
// that draw integer random numbers.
func (p Percent) PartsPerMillion() int64 { return int64(p) }

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
	ppm, ok := scaleDecimal(number, percentScale)
	if !ok {
		return 0, fmt.Errorf("%q is not a percentage (write it like 25%%)", s)
	}
	if ppm < 0 {
		return 0, fmt.Errorf("percentage %q has more than four decimals", s)
	}
	if ppm > 100*percentScale {
		return 0, fmt.Errorf("percentage %q is more than 100%%", s)
	}
	return Percent(ppm), nil
}
