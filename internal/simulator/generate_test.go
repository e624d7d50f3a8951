package simulator

import (
	"reflect"
	"sort"
	"strings"
	"testing"
)

func TestGenerateFleetIsDeterministic(t *testing.T) {
	const region = "eu-central-1"
	a, b := GenerateFleet(region, 1000, 42), GenerateFleet(region, 1000, 42)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two fleets from the same seed differ")
	}
	ids := fleetIDs(a)
	if !sort.StringsAreSorted(ids) {
		t.Error("IDs do not sort in sequence order")
	}
	seen := map[string]bool{}
	counts := map[string]int{}
	for i, in := range a {
		if seen[in.ID] || !strings.HasPrefix(in.ID, "i-") {
			t.Fatalf("ID %q is repeated or malformed", in.ID)
		}
		seen[in.ID] = true
		if want := region + "-" + string(rune('a'+i%3)); in.Zone != want {
			t.Fatalf("instance %d in zone %s, want %s", i, in.Zone, want)
		}
		counts[in.Status]++
	}
	if counts[StatusRunning] < 700 || counts[StatusStopped] < 100 || counts[StatusRunning]+counts[StatusStopped] == 1000 {
		t.Errorf("status mix %v: want mostly Running, some Stopped, a few in transition", counts)
	}
	if short := GenerateFleet(region, 10, 7); !reflect.DeepEqual(fleetIDs(short), ids[:10]) {
		t.Error("IDs depend on n or the seed, want them stable for (region, i)")
	}
	if other := GenerateFleet("us-west-1", 1, 42); other[0].ID == a[0].ID {
		t.Error("two regions share an instance ID")
	}
}
