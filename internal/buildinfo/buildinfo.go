// Package buildinfo makes the version the exporter reports (--version, the
// landing page, the build_info metric, the start-up log) right however the
// binary was built. `make` stamps prometheus/common/version with -ldflags
// -X; `go run`, `go build` and `go install` stamp nothing, so the version
// was empty and the revision "unknown". Stamp fills in what -X left empty:
// the version from the repository's VERSION file, which main embeds, and
// the revision and build date from the VCS stamps the go command puts in
// the build info (go build in a git work tree has them; go run does not).
package buildinfo

import (
	"runtime/debug"
	"strings"

	"github.com/prometheus/common/version"
)

// Stamp sets version.Version to the first line of file, and
// version.Revision and version.BuildDate from the build info that read
// returns (debug.ReadBuildInfo), each only when -ldflags -X left it empty.
// A revision of a work tree with changes ends in "-modified".
func Stamp(file string, read func() (*debug.BuildInfo, bool)) {
	if version.Version == "" {
		v, _, _ := strings.Cut(strings.TrimSpace(file), "\n")
		version.Version = strings.TrimSpace(v)
	}
	vcs := vcsSettings(read)
	if version.Revision == "" && vcs["vcs.revision"] != "" {
		version.Revision = vcs["vcs.revision"]
		if vcs["vcs.modified"] == "true" {
			version.Revision += "-modified"
		}
	}
	if version.BuildDate == "" {
		version.BuildDate = vcs["vcs.time"]
	}
}

// vcsSettings are the vcs.* settings of the build info, if any.
func vcsSettings(read func() (*debug.BuildInfo, bool)) map[string]string {
	out := map[string]string{}
	if read == nil {
		return out
	}
	bi, ok := read()
	if !ok || bi == nil {
		return out
	}
	for _, s := range bi.Settings {
		if strings.HasPrefix(s.Key, "vcs.") {
			out[s.Key] = s.Value
		}
	}
	return out
}

// Summary is the version as a page shows it: "0.1.0 (revision 1a2b3c4,
// branch main, built 20250304-05:06:07)", leaving out what is not known.
func Summary() string {
	v := version.Version
	if v == "" {
		v = "unknown"
	}
	var parts []string
	if r := version.GetRevision(); r != "" && r != "unknown" {
		parts = append(parts, "revision "+r)
	}
	if version.Branch != "" {
		parts = append(parts, "branch "+version.Branch)
	}
	if version.BuildDate != "" {
		parts = append(parts, "built "+version.BuildDate)
	}
	if len(parts) == 0 {
		return v
	}
	return v + " (" + strings.Join(parts, ", ") + ")"
}
