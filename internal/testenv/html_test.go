package testenv

import (
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

const page = `<html><body>
<table class="regions" data-account="default">
<tr data-region="cn-hangzhou"><td>cn-hangzhou</td><td class="code">ok<br>fine</td></tr>
<tr data-region="us-west-1" data-account="other"><td>us-west-1</td><td>2</td></tr>
</table>
<table class="collectors"><tr data-region="cn-hangzhou" data-account="default"><td>info</td></tr></table>
</body></html>`

func TestTableRowFindsARowByTableClassAccountAndRegion(t *testing.T) {
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		table, account, region string
		want                   []string
	}{
		{"regions", "default", "cn-hangzhou", []string{"cn-hangzhou", "ok fine"}},
		{"regions", "other", "us-west-1", []string{"us-west-1", "2"}},
		{"regions", "default", "us-west-1", nil},
		{"collectors", "default", "cn-hangzhou", []string{"info"}},
		{"nothing", "default", "cn-hangzhou", nil},
	} {
		if got := Cells(TableRow(doc, tc.table, tc.account, tc.region)); !slices.Equal(got, tc.want) {
			t.Errorf("cells of %s %s/%s = %q, want %q", tc.table, tc.account, tc.region, got, tc.want)
		}
	}
	if got := ByClass(doc, "code"); got != "ok fine" {
		t.Errorf("ByClass(code) = %q", got)
	}
	if got := Text(TableRow(doc, "regions", "other", "us-west-1")); got != "us-west-1 2" {
		t.Errorf("Text of a row = %q, want its cells apart", got)
	}
}
