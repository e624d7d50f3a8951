package simulator

import "time"

// The demo account's static access key, accepted by a Server built from
// Demo(). It opens nothing but the simulator.
const (
	DemoAccessKeyID     = "LTAIdemokey"
	DemoAccessKeySecret = "demosecret"
)

// demoSeed fixes the demo fleet, so every --demo run starts alike.
const demoSeed = 20140526

// Demo returns a Config for the exporter's --demo mode: 300 instances over
// cn-hangzhou, cn-shanghai, eu-central-1 and us-west-1, an extra empty zone
// in cn-hangzhou, a few milliseconds of latency (more for the regions far
// from China), 20 requests/second per region, and the credential
// DemoAccessKeyID / DemoAccessKeySecret. A few instances show what can go
// wrong, with times relative to the call of Demo (see demoLifecycle): an
// impaired one, a scheduled maintenance, a recent failure reboot, a
// subscription about to expire and a financial lock.
func Demo() Config {
	sizes := map[string]int{
		"cn-hangzhou":  120,
		"cn-shanghai":  90,
		"eu-central-1": 60,
		"us-west-1":    30,
	}
	regions := make(map[string][]Instance, len(sizes))
	for name, n := range sizes {
		regions[name] = GenerateFleet(name, n, demoSeed)
	}
	events := demoLifecycle(regions, time.Now())
	return Config{
		Credentials: map[string]Credential{DemoAccessKeyID: {Secret: DemoAccessKeySecret}},
		Regions:     regions,
		Zones:       map[string][]string{"cn-hangzhou": {"cn-hangzhou-k"}},
		Events:      events,
		Latency: map[string]time.Duration{
			"":             5 * time.Millisecond,
			"eu-central-1": 30 * time.Millisecond,
			"us-west-1":    40 * time.Millisecond,
		},
		RateLimit: map[string]float64{"": 20},
	}
}
