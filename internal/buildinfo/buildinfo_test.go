package buildinfo

import (
	"runtime/debug"
	"testing"

	"github.com/prometheus/common/version"
)

// keep restores prometheus/common/version's stamps when the test ends, and
// clears them for it: as a binary built without -ldflags has them.
func keep(t *testing.T) {
	t.Helper()
	v, r, b, d := version.Version, version.Revision, version.Branch, version.BuildDate
	t.Cleanup(func() { version.Version, version.Revision, version.Branch, version.BuildDate = v, r, b, d })
	version.Version, version.Revision, version.Branch, version.BuildDate = "", "", "", ""
}

func built(settings ...string) func() (*debug.BuildInfo, bool) {
	return func() (*debug.BuildInfo, bool) {
		bi := &debug.BuildInfo{}
		for i := 0; i+1 < len(settings); i += 2 {
			bi.Settings = append(bi.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
		}
		return bi, true
	}
}

func TestStampFillsInWhatLdflagsLeftEmpty(t *testing.T) {
	for _, tc := range []struct {
		name               string
		ldflags            [3]string // Version, Revision, BuildDate set with -X
		read               func() (*debug.BuildInfo, bool)
		version, rev, date string
	}{
		{"go run: the VERSION file, and no revision", [3]string{}, built(), "0.1.0", "", ""},
		{"no build info at all", [3]string{}, nil, "0.1.0", "", ""},
		{"go build in a clean work tree", [3]string{}, built("vcs.revision", "1a2b3c4d", "vcs.time", "2025-03-04T05:06:07Z", "vcs.modified", "false"),
			"0.1.0", "1a2b3c4d", "2025-03-04T05:06:07Z"},
		{"go build with changes", [3]string{}, built("vcs.revision", "1a2b3c4d", "vcs.modified", "true"), "0.1.0", "1a2b3c4d-modified", ""},
		{"make build: -ldflags wins", [3]string{"0.2.0", "feedbee", "20250101-00:00:00"}, built("vcs.revision", "1a2b3c4d", "vcs.time", "2025-03-04T05:06:07Z"),
			"0.2.0", "feedbee", "20250101-00:00:00"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			keep(t)
			version.Version, version.Revision, version.BuildDate = tc.ldflags[0], tc.ldflags[1], tc.ldflags[2]
			Stamp("0.1.0\n", tc.read)
			if version.Version != tc.version || version.Revision != tc.rev || version.BuildDate != tc.date {
				t.Errorf("version %q, revision %q, date %q; want %q, %q, %q",
					version.Version, version.Revision, version.BuildDate, tc.version, tc.rev, tc.date)
			}
		})
	}
}

func TestSummaryLeavesOutWhatIsNotKnown(t *testing.T) {
	keep(t)
	Stamp("0.1.0\n", built())
	if got := Summary(); got != "0.1.0" && got != "0.1.0 (revision "+version.GetRevision()+")" {
		t.Errorf("go run: %q", got)
	}
	version.Revision, version.Branch, version.BuildDate = "1a2b3c4", "main", "20250304-05:06:07"
	if got, want := Summary(), "0.1.0 (revision 1a2b3c4, branch main, built 20250304-05:06:07)"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
