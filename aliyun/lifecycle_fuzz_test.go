package aliyun

// Fuzz targets for the decoders of DescribeInstancesFullStatus
// (decodeHealthPage) and DescribeInstanceHistoryEvents (decodeEventsPage).
// `make fuzz` runs each briefly; see README, "Fuzzing", for a longer run.

import (
	"bytes"
	"encoding/json"
	"slices"
	"testing"
	"time"
)

var healthSeeds = []string{
	`{"RequestId":"x","TotalCount":2,"PageNumber":1,"PageSize":100,"InstanceFullStatusSet":{"InstanceFullStatusType":[{"InstanceId":"i-a","Status":{"Code":1,"Name":"Running"},"HealthStatus":{"Code":0,"Name":"Ok"},"ScheduledSystemEventSet":{"ScheduledSystemEventType":[{"EventId":"e-1","EventType":{"Code":1,"Name":"SystemMaintenance.Reboot"},"EventCycleStatus":{"Code":24,"Name":"Scheduled"},"NotBefore":"2030-01-02T03:04:05Z"}]}},{"InstanceId":"i-b","Status":{"Name":"Stopped"},"HealthStatus":{"Name":"Impaired"}}]}}`,
	`{"TotalCount":0,"InstanceFullStatusSet":{"InstanceFullStatusType":[]}}`,
	`{"TotalCount":3,"InstanceFullStatusSet":{"InstanceFullStatusType":[{"InstanceId":""},{"InstanceId":"i-a","HealthStatus":null}]}}`,
	`{"TotalCount":-1}`, `{"TotalCount":1000001}`, `{"TotalCount":"3"}`,
	`{"InstanceFullStatusSet":{}}`,
	`{"TotalCount":1,"InstanceFullStatusSet":{"InstanceFullStatusType":[{"InstanceId":"i-a","HealthStatus":"Ok"}]}}`,
	`{"Code":"Forbidden.RAM","Message":"User not authorized to operate on the specified resource."}`,
	`<html>502</html>`, `[]`, `null`, ``, `{}`,
}

// FuzzDecodeHealthPage: see fuzzCountedDecoder.
func FuzzDecodeHealthPage(f *testing.F) {
	fuzzCountedDecoder(f, healthSeeds, decodeHealthPage, healthDoc, func(h InstanceHealth) string { return h.ID })
}

// healthDoc renders a DescribeInstancesFullStatus page the way the API
// does.
func healthDoc(t *testing.T, p countedPage[InstanceHealth]) []byte {
	t.Helper()
	type name struct {
		Name string `json:"Name"`
	}
	type item struct {
		InstanceID   string `json:"InstanceId"`
		Status       name   `json:"Status"`
		HealthStatus name   `json:"HealthStatus"`
	}
	var doc struct {
		TotalCount            int `json:"TotalCount"`
		InstanceFullStatusSet struct {
			InstanceFullStatusType []item `json:"InstanceFullStatusType"`
		} `json:"InstanceFullStatusSet"`
	}
	doc.TotalCount = p.Total
	for _, h := range p.Items {
		doc.InstanceFullStatusSet.InstanceFullStatusType = append(doc.InstanceFullStatusSet.InstanceFullStatusType,
			item{InstanceID: h.ID, Status: name{h.Status}, HealthStatus: name{h.Health}})
	}
	return mustMarshal(t, doc)
}

var eventsSeeds = []string{
	`{"RequestId":"x","NextToken":"f1c9fa9de5752","TotalCount":2,"InstanceSystemEventSet":{"InstanceSystemEventType":[{"InstanceId":"i-a","EventId":"e-1","EventType":{"Code":1,"Name":"SystemFailure.Reboot"},"EventCycleStatus":{"Code":48,"Name":"Executed"},"NotBefore":"2030-01-02T03:04:05Z","EventPublishTime":"2030-01-02T02:04:05Z","EventFinishTime":"2030-01-02T03:14:05Z","ImpactLevel":"100","Reason":"host failure","ResourceType":"instance"}]}}`,
	`{"InstanceSystemEventSet":{"InstanceSystemEventType":[{"InstanceId":"i-a","EventId":"e-1","NotBefore":"","EventFinishTime":null},{"InstanceId":"","EventId":"e-2"},{"InstanceId":"i-b","EventId":""}]}}`,
	`{"InstanceSystemEventSet":{"InstanceSystemEventType":[{"InstanceId":"i-a","EventId":"e-1","NotBefore":"2030-01-02T03:04Z","EventPublishTime":"2030-01-02 03:04:05","EventFinishTime":"2030-01-02T03:04:05.123+08:00"}]}}`,
	`{"NextToken":3}`, `{"InstanceSystemEventSet":{"InstanceSystemEventType":{}}}`,
	`{"Code":"Forbidden.RAM","Message":"x"}`, `<html>502</html>`, `[]`, `null`, ``, `{}`,
}

// FuzzDecodeEventsPage: any body either fails to decode or yields events
// that all have an ID and an instance, with times in UTC; and a decoded
// page, written back as the API would, decodes to the same page.
func FuzzDecodeEventsPage(f *testing.F) {
	for _, s := range eventsSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		events, next, err := decodeEventsPage(bytes.NewReader(body))
		if err != nil {
			return
		}
		for _, e := range events {
			if e.ID == "" || e.InstanceID == "" {
				t.Fatalf("an event without EventId or InstanceId was kept: %+v", e)
			}
			for _, tm := range []time.Time{e.NotBefore, e.Published, e.Finished} {
				if tm.Location() != time.UTC {
					t.Fatalf("a time not in UTC: %+v", e)
				}
			}
		}
		again, againNext, err := decodeEventsPage(bytes.NewReader(eventsDoc(t, events, next)))
		if err != nil {
			t.Fatalf("re-encoded page does not decode: %v", err)
		}
		if againNext != next || !slices.Equal(again, events) {
			t.Fatalf("round trip changed the page:\n got %+v %q\nwant %+v %q", again, againNext, events, next)
		}
	})
}

// eventsDoc renders a DescribeInstanceHistoryEvents page the way the API
// does, with times to the nanosecond so that none is lost.
func eventsDoc(t *testing.T, events []InstanceEvent, next string) []byte {
	t.Helper()
	type name struct {
		Name string `json:"Name"`
	}
	at := func(tm time.Time) string {
		if tm.IsZero() {
			return ""
		}
		return tm.Format(time.RFC3339Nano)
	}
	var doc struct {
		NextToken              string
		InstanceSystemEventSet struct{ InstanceSystemEventType []map[string]any }
	}
	doc.NextToken = next
	for _, e := range events {
		doc.InstanceSystemEventSet.InstanceSystemEventType = append(doc.InstanceSystemEventSet.InstanceSystemEventType, map[string]any{
			"InstanceId": e.InstanceID, "EventId": e.ID,
			"EventType": name{e.Type}, "EventCycleStatus": name{e.Status},
			"NotBefore": at(e.NotBefore), "EventPublishTime": at(e.Published), "EventFinishTime": at(e.Finished),
			"Reason": e.Reason,
		})
	}
	return mustMarshal(t, doc)
}

func mustMarshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
