package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// exporterProc is the exporter under measurement.
type exporterProc struct {
	cmd  *exec.Cmd
	url  string
	done chan struct{}
}

// listening finds the address in the exporter's "Listening on" log line.
var listening = regexp.MustCompile(`Listening on"? address=(127\.0\.0\.1:\d+)`)

// startExporter starts binary against the simulator at base, with the
// scenario's regions and flags and a pinned credential chain, and waits until
// it listens. Its warnings and errors are copied to stderr.
func startExporter(binary, base string, sc scenario) (*exporterProc, error) {
	args := []string{"--web.listen-address=127.0.0.1:0", "--aliyun.endpoint=" + base, "--log.level=info"}
	for _, r := range sc.regionNames() {
		args = append(args, "--aliyun.region="+r)
	}
	args = append(args, sc.args...)
	cmd := exec.Command(binary, args...)
	home, err := os.MkdirTemp("", "bench-home")
	if err != nil {
		return nil, err
	}
	cmd.Env = []string{
		"HOME=" + home, "ALIBABA_CLOUD_ECS_METADATA_DISABLED=true", "ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true",
		"ALIBABA_CLOUD_ACCESS_KEY_ID=" + benchKey, "ALIBABA_CLOUD_ACCESS_KEY_SECRET=" + benchSecret,
	}
	pr, pw := io.Pipe()
	cmd.Stderr = pw
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &exporterProc{cmd: cmd, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); pw.Close(); os.RemoveAll(home); close(p.done) }()
	found := make(chan string, 1)
	go func() {
		s := bufio.NewScanner(pr)
		for s.Scan() {
			if m := listening.FindStringSubmatch(s.Text()); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			} else if strings.Contains(s.Text(), "level=warn") || strings.Contains(s.Text(), "level=error") {
				fmt.Fprintln(os.Stderr, "  exporter:", s.Text())
			}
		}
	}()
	select {
	case addr := <-found:
		p.url = "http://" + addr + "/metrics"
		return p, nil
	case <-p.done:
		return nil, errors.New("exporter exited before listening")
	case <-time.After(30 * time.Second):
		p.stop()
		return nil, errors.New("exporter did not listen within 30s")
	}
}

// stop interrupts the exporter and waits for it, killing it after 10s.
func (p *exporterProc) stop() {
	_ = p.cmd.Process.Signal(os.Interrupt)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// scrapeResult is one scrape's body and its time to first byte and in all.
type scrapeResult struct {
	body             []byte
	firstByte, total time.Duration
}

// scrape GETs /metrics as Prometheus would, with a 30s scrape timeout.
func (p *exporterProc) scrape() (scrapeResult, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, p.url, nil)
	req.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", "30")
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return scrapeResult{}, err
	}
	defer resp.Body.Close()
	first := time.Since(start)
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return scrapeResult{}, err
	}
	if resp.StatusCode != http.StatusOK {
		return scrapeResult{}, fmt.Errorf("scrape: HTTP %d", resp.StatusCode)
	}
	return scrapeResult{body: body, firstByte: first, total: time.Since(start)}, nil
}

// cpuSeconds is the process's user+system CPU time from /proc.
func (p *exporterProc) cpuSeconds() (float64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	// Fields after the parenthesised command name; utime and stime are the
	// 14th and 15th fields of the whole line.
	rest := b[bytes.LastIndexByte(b, ')')+2:]
	f := strings.Fields(string(rest))
	ut, _ := strconv.ParseFloat(f[11], 64)
	st, _ := strconv.ParseFloat(f[12], 64)
	const clockTicks = 100 // USER_HZ on Linux
	return (ut + st) / clockTicks, nil
}

// peakRSSMB is VmHWM: the process's peak resident set since it started.
func (p *exporterProc) peakRSSMB() (float64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return kb / 1024, err
		}
	}
	return 0, errors.New("no VmHWM in /proc status")
}
