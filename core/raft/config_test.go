package raft

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Config)
		want   string // "" means valid
	}{
		{"valid", func(*Config) {}, ""},
		{"valid lease reads with check-quorum", withLeaseReads, ""},
		{"zero ID", func(c *Config) { c.ID = 0 }, "ID must not be 0"},
		{"zero heartbeat", func(c *Config) { c.HeartbeatTick = 0 }, "HeartbeatTick must be positive, got 0"},
		{"election not above heartbeat", func(c *Config) { c.ElectionTick = 1 }, "ElectionTick (1) must be greater than HeartbeatTick (1)"},
		{"no storage", func(c *Config) { c.Storage = nil }, "Storage must not be nil"},
		{"no inflight window", func(c *Config) { c.MaxInflightMsgs = 0 }, "MaxInflightMsgs must be positive, got 0"},
		{"no random source", func(c *Config) { c.Rand = nil }, "Rand must not be nil"},
		{"unknown read-only option", func(c *Config) { c.ReadOnlyOption = 7 }, "ReadOnlyOption 7 is unknown"},
		{"lease reads without check-quorum", func(c *Config) { c.ReadOnlyOption = ReadOnlyLeaseBased }, "lease-based requires CheckQuorum"},
		{"voter zero", func(c *Config) { c.Voters = []uint64{1, 0} }, "Voters must not contain 0"},
		{"learner zero", func(c *Config) { c.Learners = []uint64{0} }, "Learners must not contain 0"},
		{"voter and learner", func(c *Config) { c.Learners = []uint64{2} }, "node 2 is both a voter and a learner"},
		{"duplicate voter", func(c *Config) { c.Voters = []uint64{1, 2, 1} }, "voter 1 is listed twice"},
		{"duplicate learner", func(c *Config) { c.Learners = []uint64{5, 5} }, "learner 5 is listed twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(1, []uint64{1, 2, 3})
			tt.change(&cfg)
			err := cfg.Validate()
			if tt.want == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, ErrInvalidConfig)
			assert.ErrorContains(t, err, tt.want)
			_, err = NewRawNode(&cfg)
			assert.ErrorIs(t, err, ErrInvalidConfig, "NewRawNode validates too")
		})
	}
}
