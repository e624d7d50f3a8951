package aliyun

// Every page decoder reads the API's items into wire structs, named as the
// API sends them (statusItem, healthItem, instanceItem, eventItem), each
// with a plain method: the item as the plain struct this package returns,
// and whether to keep it (an item without the IDs it is known by is
// dropped).

// keepPlain is the plain form of each wire item that plain keeps, in order.
func keepPlain[W, T any](wire []W, plain func(W) (T, bool)) []T {
	items := make([]T, 0, len(wire))
	for _, w := range wire {
		if v, ok := plain(w); ok {
			items = append(items, v)
		}
	}
	return items
}
