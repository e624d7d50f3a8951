package simulator

import "strings"

// v3Authorization is the parsed Authorization header of a V3 request.
type v3Authorization struct {
	AccessKeyID   string
	SignedHeaders []string
	Signature     string
}

// parseV3Authorization parses
// "ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=a;b;c,Signature=hex".
// ok is false when the header is not in that form.
func parseV3Authorization(h string) (a v3Authorization, ok bool) {
	rest, found := strings.CutPrefix(h, v3Algorithm+" ")
	if !found {
		return a, false
	}
	var haveCred, haveSigned, haveSig bool
	for _, part := range strings.Split(rest, ",") {
		k, v, found := strings.Cut(strings.TrimSpace(part), "=")
		if !found {
			return a, false
		}
		switch k {
		case "Credential":
			a.AccessKeyID, haveCred = v, true
		case "SignedHeaders":
			a.SignedHeaders, haveSigned = strings.Split(v, ";"), true
		case "Signature":
			a.Signature, haveSig = v, true
		default:
			return a, false
		}
	}
	if !haveCred || !haveSigned || !haveSig || a.AccessKeyID == "" || a.Signature == "" {
		return a, false
	}
	return a, true
}
