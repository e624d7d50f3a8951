package simulator

import (
	"testing"

	ecs "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/tea"
)

func TestForbiddenActionsAnswerForbiddenRAMInTheirRegionsOnly(t *testing.T) {
	s, endpoint := startServer(t, Config{
		Regions: map[string][]Instance{"cn-hangzhou": nil, "cn-shanghai": nil},
		Forbidden: map[string][]string{
			"cn-hangzhou": {"DescribeInstancesFullStatus", "DescribeInstanceHistoryEvents"},
			"":            {"DescribeInstances"},
		},
	})
	c := newClient(t, endpoint, clientOpts{})
	full := func(region string) error {
		_, err := fullStatus(c, &ecs.DescribeInstancesFullStatusRequest{RegionId: tea.String(region)})
		return err
	}
	history := func(region string) error {
		_, err := historyEvents(c, &ecs.DescribeInstanceHistoryEventsRequest{RegionId: tea.String(region)})
		return err
	}
	instances := func(region string) error {
		_, err := listInstances(c, instancesQuery{region: region})
		return err
	}
	wantAPIError(t, full("cn-hangzhou"), "Forbidden.RAM", 403)
	wantAPIError(t, history("cn-hangzhou"), "Forbidden.RAM", 403)
	wantAPIError(t, instances("cn-shanghai"), "Forbidden.RAM", 403)
	for name, err := range map[string]error{
		"DescribeInstancesFullStatus in cn-shanghai":   full("cn-shanghai"),
		"DescribeInstanceHistoryEvents in cn-shanghai": history("cn-shanghai"),
	} {
		if err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := describe(t.Context(), c, statusQuery{region: "cn-hangzhou"}); err != nil {
		t.Errorf("DescribeInstanceStatus in cn-hangzhou: %v", err)
	}
	if st := s.Stats("cn-hangzhou"); st.Errors != 2 {
		t.Errorf("cn-hangzhou Stats %+v, want the 2 refusals counted as errors", st)
	}
}
