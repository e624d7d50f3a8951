package aliyun

import (
	"context"
	"sync"
	"testing"
	"time"
)

// tally is an Observer that counts attempts by code.
type tally struct {
	mu    sync.Mutex
	codes map[string]int
}

func (t *tally) ObserveRequest(_, _, code string, _ time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.codes == nil {
		t.codes = map[string]int{}
	}
	t.codes[code]++
}

func TestAContextsObserverHearsOnlyTheCallsMadeUnderIt(t *testing.T) {
	_, _, ep := startFleet(t, 120, 1)
	c, rec := newTestClient(t, ep, []string{"cn-hangzhou"})
	if _, err := c.InstanceStatuses(context.Background(), "cn-hangzhou", nil); err != nil {
		t.Fatal(err)
	}
	mine := &tally{}
	if _, err := c.InstanceStatuses(WithObserver(context.Background(), mine), "cn-hangzhou", nil); err != nil {
		t.Fatal(err)
	}
	if mine.codes["OK"] != 3 || len(mine.codes) != 1 {
		t.Errorf("the context's observer heard %v, want the 3 pages of its own call", mine.codes)
	}
	if n := rec.count("cn-hangzhou", "OK"); n != 6 {
		t.Errorf("the client's observer heard %d calls, want both calls' 6", n)
	}
}
