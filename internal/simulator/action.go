package simulator

import "net/url"

// actionFunc answers one authenticated call of an API action: the JSON
// success body, or the API error to answer with instead.
type actionFunc func(c actionCall) ([]byte, *apiError)

// actionCall is what an action sees of a call and of the server.
type actionCall struct {
	requestID string
	params    url.Values // the decoded query and form parameters
	fleet     *fleet
	onRequest func(region string, page int) // Config.OnRequest; may be nil
}

// actions are the API actions the simulator answers. Adding one is a file
// holding its actionFunc (for a list action, the function listAction
// wraps) and an entry here.
var actions = map[string]actionFunc{
	"DescribeInstanceStatus":        listAction(paging{maxSize: maxPageSize, zoned: true}, describeInstanceStatus),
	"DescribeInstances":             listAction(paging{tokens: true, maxSize: maxMaxResults, zoned: true}, describeInstances),
	"DescribeRegions":               describeRegions,
	"DescribeInstancesFullStatus":   listAction(paging{maxSize: maxFullStatusPageSize}, describeInstancesFullStatus),
	"DescribeInstanceHistoryEvents": listAction(paging{tokens: true}, describeInstanceHistoryEvents),
}

// dispatch checks the caller's action and API version and runs the action.
func dispatch(who caller, c actionCall) ([]byte, *apiError) {
	if who.action == "" {
		return nil, missingParameter("Action")
	}
	if who.version != apiVersion {
		return nil, errorf(400, "InvalidVersion", "Specified parameter Version %q is not valid; this API is %s.", who.version, apiVersion)
	}
	run, ok := actions[who.action]
	if !ok {
		return nil, errorf(404, "InvalidAction.NotFound", "Specified api %q is not found, please check your url and method.", who.action)
	}
	return run(c)
}
