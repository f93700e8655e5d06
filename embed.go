// Package authconform holds the suite's data files so that every binary and
// test can reach them: go:embed cannot climb out of a package directory, so
// the features and schemas are embedded here, at the module root.
package authconform

import "embed"

// Files holds features/ and schemas/ as they were when the binary was built.
//
//go:embed features schemas
var Files embed.FS
