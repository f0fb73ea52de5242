package browsertest

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

// waitLock waits until the lock panel shows the holder and waiters of a lock.
func (p *page) waitLock(name, holder, waiters string) {
	p.t.Helper()
	p.waitJS(fmt.Sprintf(`(() => {
		const row = [...document.querySelectorAll('[data-testid="lock-row"]')].find(r => r.dataset.lock === %q);
		return !!row && row.dataset.holder === %q && (row.dataset.waiters ?? "") === %q;
	})()`, name, holder, waiters), fmt.Sprintf("lock %s held by %q with waiters %q", name, holder, waiters))
}

// The etcd lock recipe: the holder's key is tied to its session lease, so a
// holder that stops keeping the lease alive loses the lock after the TTL and
// the next waiter (watching its predecessor) takes it.
func TestLockPassesToWaiterWhenHolderStops(t *testing.T) {
	p := openPage(t, "", mainWidth, mainHeight)
	leader, _ := p.waitLeader("the first leader")
	p.fastest()
	p.waitCommitted()
	p.setField("kv-member-select", leader)

	p.clientOp("c1", "lock", map[string]string{"client-key": "mylock", "client-ttl": "2s"})
	p.waitLock("mylock", "c1", "")
	p.clientOp("c2", "lock", map[string]string{"client-key": "mylock", "client-ttl": "2s"})
	p.waitLock("mylock", "c1", "c2")

	p.click("client-crash-c1")
	p.waitLock("mylock", "c2", "")
	p.requireNoProblems()
}

// Keys and values are text: markup in them must be shown, never parsed.
func TestMarkupInKeysAndValuesIsText(t *testing.T) {
	const markup = `<img src=x onerror=alert(1)>`
	p := openPage(t, "", mainWidth, mainHeight)
	leader, _ := p.waitLeader("the first leader")
	p.fastest()
	p.waitCommitted()

	p.clientOp("c1", "put", map[string]string{"client-key": markup, "client-value": markup})
	p.waitKV(leader, markup, markup)

	images := eval[int](p, `document.querySelectorAll('img[src="x"], img[onerror]').length`)
	assert.Zero(t, images, "the markup must not become an element")
	shown := eval[bool](p, fmt.Sprintf(`document.body.innerText.includes(%q)`, markup))
	assert.True(t, shown, "the markup must be visible as text")
	p.requireNoProblems() // an alert would have been recorded as a dialog
}

// A form value the engine would refuse gets an inline message and changes
// nothing: the script stays as it was.
func TestInvalidFormValueGetsInlineError(t *testing.T) {
	p := openPage(t, "", mainWidth, mainHeight)
	p.waitLeader("the first leader")
	p.pause()
	script := eval[string](p, `document.querySelector('[data-testid="script-text"]').value`)

	p.setField("client-select", "c1")
	p.setField("client-op", "lease-grant")
	p.setField("client-lease", "L1")
	p.setField("client-ttl", "soon")
	p.waitJS(`!document.querySelector('[data-testid="client-submit"]').disabled`, "the Send button to be enabled")
	p.click("client-submit")
	p.waitJS(`(document.querySelector('[data-testid="client-error"]')?.textContent ?? "").trim() !== ""`, "an inline error")
	assert.Equal(t, script, eval[string](p, `document.querySelector('[data-testid="script-text"]').value`), "a refused form changes nothing")
	p.requireNoProblems()
}
