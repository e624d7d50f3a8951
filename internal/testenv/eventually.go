package testenv

import "time"

// Eventually polls check every interval until it returns nil or timeout
// passes, and returns the last error. It is safe in any goroutine.
func Eventually(timeout, every time.Duration, check func() error) error {
	deadline := time.Now().Add(timeout)
	for {
		err := check()
		if err == nil || time.Now().After(deadline) {
			return err
		}
		time.Sleep(every) // polling interval, not synchronisation
	}
}
