package netsim

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConfigValidation(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(*Config)
		field string
		msg   string
	}{
		{"size 12", func(c *Config) { c.Size = 12 }, "size", "12 members is out of range"},
		{"size 0", func(c *Config) { c.Size = 0 }, "size", "0 members is out of range"},
		{"negative latency", func(c *Config) { c.LatencyMin = -5 * Millisecond }, "latency min", "negative"},
		{"negative fsync", func(c *Config) { c.FsyncLatency = -1 }, "fsync", "negative"},
		{"zero tick", func(c *Config) { c.Tick = 0 }, "tick", "longer than zero"},
		{"election not whole ticks", func(c *Config) { c.ElectionMin = 155 * Millisecond; c.ElectionMax = 0 }, "election", "not a whole number of 10ms ticks"},
		{"election range not doubled", func(c *Config) { c.ElectionMax = 200 * Millisecond }, "election", "upper bound must be 300ms"},
		{"heartbeat too long", func(c *Config) { c.Heartbeat = 150 * Millisecond }, "heartbeat", "shorter than the election timeout"},
		{"latency range reversed", func(c *Config) { c.LatencyMin = 20 * Millisecond }, "latency", "ends before it starts"},
		{"lease reads need check-quorum", func(c *Config) { c.LeaseRead, c.CheckQuorum = true, false }, "lease read", "check-quorum"},
		{"negative auto-compact retention", func(c *Config) { c.AutoCompactRetention = -1 }, "auto-compact", "negative"},
		{"auto-compact without an interval", func(c *Config) { c.AutoCompactRetention, c.AutoCompactEvery = 100, 0 }, "auto-compact every", "positive whole number"},
		{"auto-compact interval not whole ticks", func(c *Config) { c.AutoCompactRetention, c.AutoCompactEvery = 100, 15*Millisecond }, "auto-compact every", "10ms ticks"},
		{"negative auto-compact interval", func(c *Config) { c.AutoCompactEvery = -1 }, "auto-compact every", "negative"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultConfig()
			tc.edit(&cfg)
			err := cfg.Validate()
			var ce *ConfigError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, tc.field, ce.Field)
			assert.Contains(t, ce.Msg, tc.msg)
			_, err = New(cfg)
			assert.Error(t, err, "New must refuse what Validate refuses")
		})
	}
	t.Run("defaults are valid", func(t *testing.T) {
		require.NoError(t, DefaultConfig().Validate())
	})
	t.Run("a single member is allowed for tests", func(t *testing.T) {
		w := newWorld(t, func(c *Config) { c.Size = 1 })
		assert.Equal(t, uint64(1), electLeader(t, w))
	})
}

func TestLinkSettingsValidation(t *testing.T) {
	cases := []struct {
		name string
		s    LinkSettings
		msg  string
	}{
		{"drop 150%", LinkSettings{DropPercent: 150}, "link drop=150% is out of range"},
		{"negative duplicate", LinkSettings{DuplicatePercent: -1}, "link duplicate=-1% is out of range"},
		{"reorder over 100%", LinkSettings{ReorderPercent: 100.5}, "reorder=100.5%"},
		{"negative latency", LinkSettings{LatencyMin: -1}, "cannot be negative"},
		{"reversed latency", LinkSettings{LatencyMin: 10, LatencyMax: 5}, "ends before it starts"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.s.Validate()
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.msg)
			w := newWorld(t, nil)
			before := w.net.links[1][2]
			require.Error(t, w.SetLink(1, 2, tc.s))
			assert.Equal(t, before, w.net.links[1][2], "a refused link change changes nothing")
		})
	}
}

func TestDurations(t *testing.T) {
	good := []struct {
		in   string
		want Duration
	}{
		{"150ms", 150 * Millisecond}, {"2s", 2 * Second}, {"1.5s", 1500 * Millisecond},
		{"250us", 250}, {"0s", 0}, {"0.000001s", 1},
	}
	for _, tc := range good {
		t.Run(tc.in, func(t *testing.T) {
			d, err := ParseDuration(tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.want, d)
		})
	}
	for _, in := range []string{"-1s", "5", "1.5us", "ms", "1.s", "x1s", "1e3ms"} {
		t.Run("refuses "+in, func(t *testing.T) {
			_, err := ParseDuration(in)
			assert.ErrorIs(t, err, ErrBadDuration)
		})
	}
	assert.Equal(t, "1.234567s", Time(1_234_567).String())
	assert.Equal(t, "150ms", (150 * Millisecond).String())
	assert.Equal(t, "1500us", Duration(1500).String())
}
