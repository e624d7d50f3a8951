package aliyun

import (
	"reflect"
	"testing"
)

func TestZoneRegion(t *testing.T) {
	regions := []string{"cn-hangzhou", "cn-shanghai", "cn-shanghai-finance-1", "eu-central-1"}
	for _, tc := range []struct {
		zone, want string
	}{
		{"cn-hangzhou-h", "cn-hangzhou"},
		{"cn-shanghai-b", "cn-shanghai"},
		{"cn-shanghai-finance-1a", "cn-shanghai-finance-1"},
		{"cn-shanghai-finance-1-b", "cn-shanghai-finance-1"},
		{"eu-central-1a", "eu-central-1"},
		{"cn-hangzhou", ""},
		{"cn-hangzhou-", ""},
		{"cn-hangzhou-hhh", ""},
		{"cn-hangzhou-H", ""},
		{"cn-hangzhou-1", ""},
		{"cn-beijing-a", ""},
		{"", ""},
	} {
		got, err := ZoneRegion(tc.zone, regions)
		if got != tc.want || (err == nil) != (tc.want != "") {
			t.Errorf("ZoneRegion(%q) = %q, %v; want %q", tc.zone, got, err, tc.want)
		}
	}
}

func TestZoneRegionOnlyMatchesConfiguredRegions(t *testing.T) {
	// cn-shanghai-finance-1 is not configured, so its zone must not fall
	// back to cn-shanghai.
	if r, err := ZoneRegion("cn-shanghai-finance-1a", []string{"cn-shanghai"}); err == nil {
		t.Errorf("got region %q, want an error", r)
	}
}

func TestAssignZonesGroupsByRegionAndDropsRepeats(t *testing.T) {
	got, err := AssignZones([]string{"cn-hangzhou-h", "eu-central-1a", "cn-hangzhou-i", "cn-hangzhou-h"}, []string{"cn-hangzhou", "eu-central-1"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{"cn-hangzhou": {"cn-hangzhou-h", "cn-hangzhou-i"}, "eu-central-1": {"eu-central-1a"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if _, err := AssignZones([]string{"us-west-1a"}, []string{"cn-hangzhou"}); err == nil {
		t.Error("a zone of an unconfigured region was accepted")
	}
}

func TestZoneOfNoRegionSaysWhatToDoInItsOwnTerms(t *testing.T) {
	_, err := ZoneRegion("us-west-1a", []string{"cn-hangzhou", "eu-central-1"})
	if err == nil {
		t.Fatal("a zone of an unconfigured region was accepted")
	}
	want := `zone "us-west-1a" belongs to none of the configured regions (cn-hangzhou, eu-central-1); configure its region too`
	if err.Error() != want {
		t.Errorf("error %q, want %q (a library error names no flag: the caller adds that)", err, want)
	}
}

func FuzzZoneRegion(f *testing.F) {
	for _, z := range []string{"cn-hangzhou-h", "eu-central-1a", "cn-shanghai-finance-1a", "", "-", "cn-hangzhou-\xff"} {
		f.Add(z)
	}
	regions := []string{"cn-hangzhou", "cn-shanghai", "cn-shanghai-finance-1", "eu-central-1"}
	f.Fuzz(func(t *testing.T, zone string) {
		r, err := ZoneRegion(zone, regions)
		if err != nil {
			return
		}
		if !isZoneOf(zone, r) {
			t.Fatalf("ZoneRegion(%q) = %q, which it does not belong to", zone, r)
		}
		for _, other := range regions {
			if len(other) > len(r) && isZoneOf(zone, other) {
				t.Fatalf("ZoneRegion(%q) = %q, but longer %q matches", zone, r, other)
			}
		}
	})
}
