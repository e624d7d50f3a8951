package simulator

import (
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
)

// maxBodyBytes bounds the request body the simulator reads; ECS RPC calls
// carry their parameters in the query and an empty body.
const maxBodyBytes = 1 << 20

// maxInstanceIDs is how many InstanceId.N values a call may name.
const maxInstanceIDs = 100

// readParams decodes the query, and a form body when there is one. params
// is the query plus the form fields: the API's parameters. body is the raw
// body, which V3 signatures hash.
func readParams(r *http.Request) (query, params url.Values, body []byte, err *apiError) {
	query, perr := url.ParseQuery(r.URL.RawQuery)
	if perr != nil {
		return url.Values{}, url.Values{}, nil, errorf(400, "InvalidParameter", "The query string is malformed: %v.", perr)
	}
	if r.Body != nil {
		b, rerr := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
		if rerr != nil || len(b) > maxBodyBytes {
			return query, query, nil, errorf(400, "InvalidParameter", "The request body is unreadable or larger than %d bytes.", maxBodyBytes)
		}
		body = b
	}
	params = query
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "application/x-www-form-urlencoded" && len(body) > 0 {
		form, ferr := url.ParseQuery(string(body))
		if ferr != nil {
			return query, query, body, errorf(400, "InvalidParameter", "The form body is malformed: %v.", ferr)
		}
		params = make(url.Values, len(query)+len(form))
		for k, v := range query {
			params[k] = v
		}
		for k, v := range form {
			params[k] = append(params[k], v...)
		}
	}
	return query, params, body, nil
}

// requiredRegion is the RegionId parameter, which the action requires.
func requiredRegion(params url.Values) (string, *apiError) {
	region := params.Get("RegionId")
	if region == "" {
		return "", errorf(400, "MissingRegionId", "RegionId is mandatory for this action.")
	}
	return region, nil
}

// intParam parses an optional integer parameter that must lie in
// [lo, hi] (hi 0: no upper bound).
func intParam(params url.Values, name string, def, lo, hi int) (int, *apiError) {
	v := params.Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || (hi > 0 && n > hi) {
		if hi > 0 {
			return 0, errorf(400, "InvalidParameter",
				"The specified parameter %q is not valid: %q must be an integer from %d to %d.", name, v, lo, hi)
		}
		return 0, errorf(400, "InvalidParameter",
			"The specified parameter %q is not valid: %q must be an integer of at least %d.", name, v, lo)
	}
	return n, nil
}

// instanceIDs collects InstanceId.1, InstanceId.2, … up to the first gap.
func instanceIDs(params url.Values) ([]string, *apiError) {
	ids := repeatedParam(params, "InstanceId")
	if len(ids) > maxInstanceIDs {
		return nil, errorf(403, "InvalidParameter.TooManyInstanceIds",
			"The number of InstanceId.N values exceeds %d.", maxInstanceIDs)
	}
	return ids, nil
}

// repeatedParam collects name.1, name.2, … up to the first gap, the way
// the SDK sends a list.
func repeatedParam(params url.Values, name string) []string {
	var out []string
	for i := 1; ; i++ {
		v := params.Get(name + "." + strconv.Itoa(i))
		if v == "" {
			return out
		}
		out = append(out, v)
	}
}
