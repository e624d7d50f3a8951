package simulator

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	ecs "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/tea"
)

func TestDescribeInstancesFullStatusPagesHealthAndPendingEvents(t *testing.T) {
	const region = "cn-hangzhou"
	fleet := GenerateFleet(region, 150, 3)
	fleet[1].Health = HealthImpaired
	soon := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	ev := func(id, status string) Event {
		return Event{ID: id, InstanceID: fleet[0].ID, Type: EventSystemMaintenanceReboot, Status: status, NotBefore: soon}
	}
	s, endpoint := startServer(t, Config{
		Regions: map[string][]Instance{region: fleet},
		Events:  map[string][]Event{region: {ev("e-1", EventScheduled), ev("e-2", EventExecuted), ev("e-3", EventInquiring)}},
	})
	c := newClient(t, endpoint, clientOpts{})

	var got []string
	for page := int32(1); page <= 2; page++ {
		body, err := fullStatus(c, &ecs.DescribeInstancesFullStatusRequest{RegionId: tea.String(region), PageNumber: tea.Int32(page), PageSize: tea.Int32(100)})
		if err != nil {
			t.Fatalf("page %d: %v", page, err)
		}
		if *body.TotalCount != 150 || *body.PageNumber != page || *body.PageSize != 100 {
			t.Errorf("page %d: TotalCount %d PageNumber %d PageSize %d", page, *body.TotalCount, *body.PageNumber, *body.PageSize)
		}
		got = append(got, fullStatusLines(body)...)
	}
	var want []string
	for i, in := range s.Instances(region) {
		health := HealthOk
		if i == 1 {
			health = HealthImpaired
		}
		line := fmt.Sprintf("%s %s %s", in.ID, in.Status, health)
		if i == 0 {
			line += " e-1:SystemMaintenance.Reboot:Scheduled:2030-01-02T03:04:05Z e-3:SystemMaintenance.Reboot:Inquiring:2030-01-02T03:04:05Z"
		}
		want = append(want, line)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("the pages together are\n%v\nwant\n%v", got, want)
	}
}

func TestDescribeInstancesFullStatusSeesHealthAndEventsChangedAtRunTime(t *testing.T) {
	const region = "cn-hangzhou"
	fleet, s, c := generatedClient(t, region, 3, 4)
	if !s.SetHealth(region, fleet[2].ID, HealthWarning) || s.SetHealth(region, "i-gone", HealthWarning) {
		t.Fatal("SetHealth found the wrong instances")
	}
	at := time.Date(2030, 5, 6, 7, 8, 9, 0, time.UTC)
	e := Event{ID: "e-1", InstanceID: fleet[2].ID, Type: EventSystemFailureReboot, Status: EventScheduled, NotBefore: at}
	if !s.PutEvent(region, e) || s.PutEvent("xx-nowhere-1", e) {
		t.Fatal("PutEvent found the wrong regions")
	}
	e.Type = EventSystemMaintenanceReboot // replaces e-1
	s.PutEvent(region, e)
	body, err := fullStatus(c, &ecs.DescribeInstancesFullStatusRequest{
		RegionId: tea.String(region), InstanceId: []*string{tea.String(fleet[2].ID)},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{fleet[2].ID + " " + fleet[2].Status + " Warning e-1:SystemMaintenance.Reboot:Scheduled:2030-05-06T07:08:09Z"}
	if got := fullStatusLines(body); !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	body, err = fullStatus(c, &ecs.DescribeInstancesFullStatusRequest{RegionId: tea.String(region), HealthStatus: tea.String(HealthOk)})
	if err != nil {
		t.Fatal(err)
	}
	if *body.TotalCount != 2 {
		t.Errorf("HealthStatus=Ok lists %d instances, want the 2 still Ok", *body.TotalCount)
	}
}

func TestDescribeInstancesFullStatusRejectsBadParameters(t *testing.T) {
	const region = "cn-hangzhou"
	tests := []rejection[*ecs.DescribeInstancesFullStatusRequest]{
		{"PageSize 101 is InvalidParameter", &ecs.DescribeInstancesFullStatusRequest{RegionId: tea.String(region), PageSize: tea.Int32(101)}, "InvalidParameter", 400},
		{"PageNumber 0 is InvalidParameter", &ecs.DescribeInstancesFullStatusRequest{RegionId: tea.String(region), PageNumber: tea.Int32(0)}, "InvalidParameter", 400},
	}
	_, c := regionClient(t, region, GenerateFleet(region, 5, 1))
	wantRejections(t, tests, func(req *ecs.DescribeInstancesFullStatusRequest) error {
		_, err := fullStatus(c, req)
		return err
	})
}
