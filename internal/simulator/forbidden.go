package simulator

// forbidden is which actions the account's role may not call, per region;
// key "" applies to every region. It is read-only after New.
type forbidden map[string]map[string]struct{}

func newForbidden(cfg map[string][]string) forbidden {
	f := make(forbidden, len(cfg))
	for region, actions := range cfg {
		set := make(map[string]struct{}, len(actions))
		for _, a := range actions {
			set[a] = struct{}{}
		}
		f[region] = set
	}
	return f
}

// refuses reports whether action may not be called in region.
func (f forbidden) refuses(region, action string) bool {
	if _, ok := f[""][action]; ok {
		return true
	}
	_, ok := f[region][action]
	return ok
}

// errForbiddenRAM is the API's answer to a role without the action.
func errForbiddenRAM() *apiError {
	return errorf(403, "Forbidden.RAM", "User not authorized to operate on the specified resource, or this API doesn't support RAM.")
}
