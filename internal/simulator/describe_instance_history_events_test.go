package simulator

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	ecs "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/tea"
)

// oneOfEach is an event of every cycle status, IDs named after it.
func oneOfEach(instanceID string) []Event {
	var out []Event
	for _, st := range knownEventCycles {
		out = append(out, Event{ID: "e-" + strings.ToLower(st), InstanceID: instanceID, Type: EventSystemFailureReboot, Status: st})
	}
	return out
}

func TestDescribeInstanceHistoryEventsListsFinishedEventsUnlessAskedForOthers(t *testing.T) {
	const region = "cn-hangzhou"
	_, endpoint := startServer(t, Config{
		Regions: map[string][]Instance{region: GenerateFleet(region, 2, 1)},
		Events:  map[string][]Event{region: oneOfEach("i-1")},
	})
	c := newClient(t, endpoint, clientOpts{})
	tests := []struct {
		name     string
		statuses []string
		want     []string
	}{
		{"no InstanceEventCycleStatus lists the finished events", nil, []string{"e-executed", "e-avoided", "e-canceled", "e-failed"}},
		{"the active statuses list the events to come", []string{"Scheduled", "Executing", "Inquiring"}, []string{"e-scheduled", "e-executing", "e-inquiring"}},
		{"one status lists its events", []string{"Failed"}, []string{"e-failed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := &ecs.DescribeInstanceHistoryEventsRequest{RegionId: tea.String(region), InstanceEventCycleStatus: tea.StringSlice(tt.statuses)}
			body, err := historyEvents(c, req)
			if err != nil {
				t.Fatal(err)
			}
			if got := eventIDs(body); !reflect.DeepEqual(got, tt.want) || int(*body.TotalCount) != len(tt.want) {
				t.Errorf("got %v (TotalCount %d), want %v", got, *body.TotalCount, tt.want)
			}
		})
	}
}

func TestDescribeInstanceHistoryEventsPagesWithNextToken(t *testing.T) {
	const region = "cn-hangzhou"
	at := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	var events, want []string
	var list []Event
	for i := range 25 {
		typ := EventSystemFailureReboot
		if i%5 == 0 {
			typ = EventInstanceFailureReboot // filtered out below
		}
		e := Event{ID: fmt.Sprintf("e-%02d", i), InstanceID: "i-1", Type: typ, Status: EventExecuted,
			NotBefore: at, Published: at.Add(-time.Hour), Finished: at.Add(time.Duration(i) * time.Minute), Reason: "host failure"}
		list = append(list, e)
		if typ == EventSystemFailureReboot {
			want = append(want, fmt.Sprintf("%s i-1 %s Executed 2030-01-02T03:04:05Z 2030-01-02T02:04:05Z %s host failure", e.ID, typ, apiTime(e.Finished)))
		}
	}
	_, endpoint := startServer(t, Config{Regions: map[string][]Instance{region: nil}, Events: map[string][]Event{region: list}})
	c := newClient(t, endpoint, clientOpts{})
	var sizes []int
	token := ""
	for range 10 {
		body, err := historyEvents(c, &ecs.DescribeInstanceHistoryEventsRequest{
			RegionId: tea.String(region), InstanceEventType: tea.StringSlice([]string{EventSystemFailureReboot}),
			MaxResults: tea.Int64(3), NextToken: tea.String(token), // below 10 counts as 10
		})
		if err != nil {
			t.Fatalf("NextToken %q: %v", token, err)
		}
		sizes = append(sizes, len(body.InstanceSystemEventSet.InstanceSystemEventType))
		for _, e := range body.InstanceSystemEventSet.InstanceSystemEventType {
			events = append(events, fmt.Sprintf("%s %s %s %s %s %s %s %s", *e.EventId, *e.InstanceId, *e.EventType.Name,
				*e.EventCycleStatus.Name, *e.NotBefore, *e.EventPublishTime, *e.EventFinishTime, *e.Reason))
		}
		if token = tea.StringValue(body.NextToken); token == "" {
			break
		}
	}
	if !reflect.DeepEqual(sizes, []int{10, 10}) || !reflect.DeepEqual(events, want) {
		t.Errorf("page sizes %v, want [10 10]; events\n%v\nwant\n%v", sizes, events, want)
	}
}

func TestDescribeInstanceHistoryEventsSeesEventsPutAtRunTime(t *testing.T) {
	const region = "cn-hangzhou"
	s, c := regionClient(t, region, nil)
	req := &ecs.DescribeInstanceHistoryEventsRequest{RegionId: tea.String(region)}
	s.PutEvent(region, Event{ID: "e-1", InstanceID: "i-1", Type: EventSystemFailureReboot, Status: EventExecuting})
	body, err := historyEvents(c, req)
	if err != nil {
		t.Fatal(err)
	}
	if got := eventIDs(body); len(got) != 0 {
		t.Errorf("an Executing event is listed by default: %v", got)
	}
	s.PutEvent(region, Event{ID: "e-1", InstanceID: "i-1", Type: EventSystemFailureReboot, Status: EventExecuted})
	if body, err = historyEvents(c, req); err != nil {
		t.Fatal(err)
	}
	if got := eventIDs(body); !reflect.DeepEqual(got, []string{"e-1"}) || body.InstanceSystemEventSet.InstanceSystemEventType[0].EventFinishTime != nil {
		t.Errorf("got %v, want the event replaced and now finished, with no EventFinishTime", got)
	}
}

func TestDescribeInstanceHistoryEventsCountsMaxResultsAbove100As100(t *testing.T) {
	const region = "cn-hangzhou"
	var list []Event
	for i := range 105 {
		list = append(list, Event{ID: fmt.Sprintf("e-%03d", i), InstanceID: "i-1", Type: EventSystemFailureReboot, Status: EventExecuted})
	}
	_, endpoint := startServer(t, Config{Regions: map[string][]Instance{region: nil}, Events: map[string][]Event{region: list}})
	body, err := historyEvents(newClient(t, endpoint, clientOpts{}),
		&ecs.DescribeInstanceHistoryEventsRequest{RegionId: tea.String(region), MaxResults: tea.Int64(500)})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(eventIDs(body)); n != 100 || tea.StringValue(body.NextToken) == "" || *body.TotalCount != 105 {
		t.Errorf("got %d events, NextToken %q, TotalCount %d; want 100, a token and 105", n, tea.StringValue(body.NextToken), *body.TotalCount)
	}
}

func TestDescribeInstanceHistoryEventsRejectsBadParameters(t *testing.T) {
	const region = "cn-hangzhou"
	tests := []rejection[*ecs.DescribeInstanceHistoryEventsRequest]{
		{"MaxResults 0 is InvalidParameter", &ecs.DescribeInstanceHistoryEventsRequest{RegionId: tea.String(region), MaxResults: tea.Int64(0)}, "InvalidParameter", 400},
		{"a NextToken the simulator did not make is InvalidParameter", &ecs.DescribeInstanceHistoryEventsRequest{RegionId: tea.String(region), NextToken: tea.String("abc")}, "InvalidParameter", 400},
	}
	_, c := regionClient(t, region, nil)
	wantRejections(t, tests, func(req *ecs.DescribeInstanceHistoryEventsRequest) error {
		_, err := historyEvents(c, req)
		return err
	})
}
