package aliyun

import (
	"context"
	"sync"
	"sync/atomic"
)

// fetchEach calls fetch for each page number from..to (inclusive) with at
// most workers calls at once (a region's share of the in-flight cap), and
// returns the results in page order. The first failure cancels the calls
// still to come; the error returned prefers a real cause over the
// cancellations it triggered (firstError).
func fetchEach[T any](ctx context.Context, workers, from, to int, fetch func(ctx context.Context, page int) (T, error)) ([]T, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	n := to - from + 1
	out := make([]T, n)
	errs := make([]error, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(n, workers) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					return
				}
				v, err := fetch(ctx, from+i)
				if err != nil {
					errs[i] = err
					cancel()
					return
				}
				out[i] = v
			}
		})
	}
	wg.Wait()
	if err := firstError(errs); err != nil {
		return nil, err
	}
	return out, nil
}

// dedupeBy concatenates pages, keeping the first item with each key: when
// a listing shifts between pages, an item can appear on two of them.
func dedupeBy[T any](pages [][]T, key func(T) string) []T {
	n := 0
	for _, p := range pages {
		n += len(p)
	}
	out := make([]T, 0, n)
	seen := make(map[string]struct{}, n)
	for _, p := range pages {
		for _, v := range p {
			k := key(v)
			if _, dup := seen[k]; dup {
				continue
			}
			seen[k] = struct{}{}
			out = append(out, v)
		}
	}
	return out
}
