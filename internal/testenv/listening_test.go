package testenv

import (
	"regexp"
	"testing"
)

func TestListenAddressFindsTheLoopbackAddressInEitherLogfmtQuoting(t *testing.T) {
	for _, tc := range []struct {
		log, want string
		ok        bool
	}{
		{`level=info msg="Listening on" address=127.0.0.1:9114 http2=false`, "127.0.0.1:9114", true},
		{`level=info msg=Listening on address=127.0.0.1:80`, "127.0.0.1:80", true},
		{"ts=1 msg=starting\nts=2 msg=\"Listening on\" address=127.0.0.1:4242\n", "127.0.0.1:4242", true},
		{`msg="Listening on" address=0.0.0.0:9114`, "", false},
		{"", "", false},
	} {
		got, ok := ListenAddress(tc.log)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ListenAddress(%q) = %q, %v; want %q, %v", tc.log, got, ok, tc.want, tc.ok)
		}
	}
}

func TestWaitLogReturnsTheMatchOnceTheLogShowsIt(t *testing.T) {
	var log LockedBuffer
	_, _ = log.Write([]byte(`msg="Listening on" address=127.0.0.1:5555` + "\n"))
	if got := WaitListening(t, &log, make(chan struct{})); got != "127.0.0.1:5555" {
		t.Errorf("WaitListening = %q", got)
	}
	m := WaitLog(t, &log, regexp.MustCompile(`address=(\S+)`), make(chan error))
	if m[1] != "127.0.0.1:5555" {
		t.Errorf("WaitLog = %q", m)
	}
}
