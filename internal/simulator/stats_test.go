package simulator

import (
	"context"
	"reflect"
	"sort"
	"sync"
	"testing"
)

func TestOnRequestSeesEveryPageAndMaxInFlightCountsConcurrentCalls(t *testing.T) {
	const region, n = "cn-hangzhou", 4
	var (
		mu      sync.Mutex
		pages   []int
		arrived = make(chan struct{}, n)
		release = make(chan struct{})
	)
	s, endpoint := startServer(t, Config{
		Regions: map[string][]Instance{region: GenerateFleet(region, 200, 1)},
		OnRequest: func(r string, page int) {
			mu.Lock()
			pages = append(pages, page)
			mu.Unlock()
			arrived <- struct{}{}
			<-release // hold every call in flight until all have arrived
		},
	})
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for p := range n {
		c := newClient(t, endpoint, clientOpts{ownHTTP: true}) // one per goroutine: see ownHTTP
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := describe(context.Background(), c, statusQuery{region: region, page: int32(p + 1), size: 50})
			errs <- err
		}()
	}
	for range n {
		<-arrived
	}
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	sort.Ints(pages)
	if want := []int{1, 2, 3, 4}; !reflect.DeepEqual(pages, want) {
		t.Errorf("OnRequest saw pages %v, want %v", pages, want)
	}
	if got := s.Stats(region).MaxInFlight; got != n {
		t.Errorf("MaxInFlight = %d, want %d", got, n)
	}
	s.ResetStats()
	if st := s.Stats(region); st != (Stats{}) {
		t.Errorf("after ResetStats, Stats = %+v, want zero", st)
	}
}
