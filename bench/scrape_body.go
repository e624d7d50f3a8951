package main

import (
	"bufio"
	"bytes"
	"fmt"
	"math"
	"regexp"
	"strconv"
)

// checkComplete asserts that the scrape holds every instance of every region
// with ecs_up 1.
func checkComplete(body []byte, sc scenario) error {
	current := 0
	up := 0
	sc2 := bufio.NewScanner(bytes.NewReader(body))
	sc2.Buffer(make([]byte, 1<<20), 1<<20)
	for sc2.Scan() {
		line := sc2.Bytes()
		switch {
		case bytes.HasPrefix(line, []byte("ecs_instance_status{")) && bytes.HasSuffix(line, []byte(" 1")):
			current++
		case bytes.HasPrefix(line, []byte("ecs_up{")) && bytes.HasSuffix(line, []byte(" 1")):
			up++
		}
	}
	if want := sc.regions * sc.instances; current != want || up != sc.regions {
		return fmt.Errorf("scrape incomplete: %d of %d instances, %d of %d regions up", current, want, up, sc.regions)
	}
	return nil
}

// metricSum adds up the samples whose line starts with prefix.
func metricSum(body []byte, prefix string) float64 {
	sum := 0.0
	for _, line := range bytes.Split(body, []byte("\n")) {
		if !bytes.HasPrefix(line, []byte(prefix)) {
			continue
		}
		if i := bytes.LastIndexByte(line, ' '); i > 0 {
			v, _ := strconv.ParseFloat(string(line[i+1:]), 64)
			sum += v
		}
	}
	return sum
}

// metricValue is the value of the sample name with no labels, NaN if absent.
func metricValue(body []byte, name string) float64 {
	re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + ` (\S+)$`)
	m := re.FindSubmatch(body)
	if m == nil {
		return math.NaN()
	}
	v, _ := strconv.ParseFloat(string(m[1]), 64)
	return v
}
