package aliyun

import (
	"errors"
	"strings"
	"testing"
)

// tokenChain is a fake NextToken-paged listing: each token names a page of
// one item (the token itself) and the token of the next page.
type tokenChain map[string]string

func (tc tokenChain) fetch(calls *[]string) func(string) ([]string, string, error) {
	return func(token string) ([]string, string, error) {
		*calls = append(*calls, token)
		next, ok := tc[token]
		if !ok {
			return nil, "", errors.New("no such token " + token)
		}
		return []string{token}, next, nil
	}
}

func TestTokenListingReadsPagesInOrderUntilNoNextToken(t *testing.T) {
	l := tokenListing[string]{action: "Describe", maxPages: 10}
	var calls []string
	pages, err := l.follow(tokenChain{"": "a", "a": "b", "b": ""}.fetch(&calls))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(calls, ","); got != ",a,b" {
		t.Errorf("pages read with tokens %q, want \",a,b\"", got)
	}
	if len(pages) != 3 || pages[0][0] != "" || pages[1][0] != "a" || pages[2][0] != "b" {
		t.Errorf("pages %q, want the three in order", pages)
	}
}

func TestTokenListingOfAFailingPageFailsAsAWhole(t *testing.T) {
	l := tokenListing[string]{action: "Describe", maxPages: 10}
	var calls []string
	pages, err := l.follow(tokenChain{"": "a"}.fetch(&calls))
	if err == nil || pages != nil {
		t.Errorf("got %q, %v; want no pages and the page's error", pages, err)
	}
}

func TestARepeatedNextTokenFailsEventsButInfosReadOnToTheirBound(t *testing.T) {
	repeats := tokenChain{"": "a", "a": "a"}
	t.Run("DescribeInstanceHistoryEvents refuses it", func(t *testing.T) {
		var calls []string
		pages, err := eventListing("cn-hangzhou", nil).follow(func(token string) ([]InstanceEvent, string, error) {
			_, next, err := repeats.fetch(&calls)(token)
			return nil, next, err
		})
		if ErrorCode(err) != CodeDecode || !strings.Contains(err.Error(), "DescribeInstanceHistoryEvents returned the NextToken it was given") {
			t.Errorf("got %d pages, error %v; want a decode error naming the action", len(pages), err)
		}
		if len(calls) != 2 {
			t.Errorf("%d pages read, want 2", len(calls))
		}
	})
	t.Run("DescribeInstances reads on up to maxInfoPages", func(t *testing.T) {
		var calls []string
		pages, err := infoListing("cn-hangzhou", "").follow(func(token string) ([]InstanceInfo, string, error) {
			_, next, err := repeats.fetch(&calls)(token)
			return nil, next, err
		})
		if err != nil || len(pages) != maxInfoPages || len(calls) != maxInfoPages {
			t.Errorf("got %d pages (%d read), error %v; want %d pages and no error", len(pages), len(calls), err, maxInfoPages)
		}
	})
}
