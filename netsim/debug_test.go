package netsim

import (
	"os"
	"testing"
)

func TestDebugTrace(t *testing.T) {
	w := newWorld(t, nil)
	err := w.RunUntil(hasLeader, 10*Second)
	English.WriteTrace(os.Stdout, w.Events(0))
	t.Log(err)
}
