package app

import (
	"io"
	"log/slog"

	"github.com/go-kit/log"
	"github.com/go-kit/log/level"
	slgk "github.com/tjhop/slog-gokit"
)

// newLogger builds the go-kit logger (--log.format, --log.level) writing to
// w, and the slog bridge exporter-toolkit wants, at the same level.
func newLogger(w io.Writer, format, lvl string) (log.Logger, *slog.Logger) {
	sw := log.NewSyncWriter(w)
	var l log.Logger
	if format == "json" {
		l = log.NewJSONLogger(sw)
	} else {
		l = log.NewLogfmtLogger(sw)
	}
	l = log.With(l, "ts", log.DefaultTimestampUTC)
	allow := map[string]level.Option{
		"debug": level.AllowDebug(), "info": level.AllowInfo(),
		"warn": level.AllowWarn(), "error": level.AllowError(),
	}[lvl]
	slogLevel := map[string]slog.Level{
		"debug": slog.LevelDebug, "info": slog.LevelInfo,
		"warn": slog.LevelWarn, "error": slog.LevelError,
	}[lvl]
	l = level.NewFilter(l, allow)
	return l, slog.New(slgk.NewGoKitHandler(l, slogLevel))
}
