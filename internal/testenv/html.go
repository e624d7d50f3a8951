package testenv

import (
	"strings"

	"golang.org/x/net/html"
)

// Elements returns the elements under n for which match holds, in document
// order.
func Elements(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	for d := range n.Descendants() {
		if d.Type == html.ElementNode && match(d) {
			out = append(out, d)
		}
	}
	return out
}

// Tag matches elements by name, for Elements.
func Tag(name string) func(*html.Node) bool {
	return func(n *html.Node) bool { return n.Data == name }
}

// Attr is n's attribute name, "" when absent.
func Attr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}

// Text is n's text, its runs of white space made single spaces; a line
// break or a table cell separates words.
func Text(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		switch {
		case d.Type == html.TextNode:
			b.WriteString(d.Data)
		case d.Type == html.ElementNode && (d.Data == "br" || d.Data == "td"):
			b.WriteByte(' ')
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// ByClass is the text of the first element under n of the given class, ""
// when there is none.
func ByClass(n *html.Node, class string) string {
	if m := Elements(n, func(d *html.Node) bool { return Attr(d, "class") == class }); len(m) > 0 {
		return Text(m[0])
	}
	return ""
}

// TableRow is the status page's row of region in a table of class table for
// account (the row's data-account, or else the table's), or nil.
func TableRow(doc *html.Node, table, account, region string) *html.Node {
	for _, tb := range Elements(doc, func(n *html.Node) bool { return n.Data == "table" && Attr(n, "class") == table }) {
		for _, tr := range Elements(tb, Tag("tr")) {
			acct := Attr(tr, "data-account")
			if acct == "" {
				acct = Attr(tb, "data-account")
			}
			if acct == account && Attr(tr, "data-region") == region {
				return tr
			}
		}
	}
	return nil
}

// Cells are the texts of tr's cells; nil for a nil tr.
func Cells(tr *html.Node) []string {
	if tr == nil {
		return nil
	}
	var out []string
	for _, td := range Elements(tr, Tag("td")) {
		out = append(out, Text(td))
	}
	return out
}
