package app

import (
	"os"
	"os/signal"
	"syscall"

	"github.com/go-kit/log"
	"github.com/go-kit/log/level"
)

// ignoreHangups turns SIGHUP, which would otherwise end the process
// without a word, into a log line: the flags and --config.file are read
// only at start-up, so a restart is what reloads them. stop restores the
// default and waits for the logging to end.
func ignoreHangups(logger log.Logger) (stop func()) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range hup {
			level.Warn(logger).Log("msg", "SIGHUP ignored: the flags and --config.file are read only at start-up; restart the exporter to reload them")
		}
	}()
	return func() {
		signal.Stop(hup)
		close(hup)
		<-done
	}
}
