// Package gomodcheck checks that tools/go.mod and the exporter's go.mod
// require the same version of every module they share, so that `make test`
// leaves one copy of each in the module cache, not one per module.
// (tools/dashboard-linter is built with a module cache of its own, deleted
// after, so its versions do not count.)
package gomodcheck
