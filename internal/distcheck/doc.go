// Package distcheck tests the files that ship authconform rather than run
// it: the GitHub Action (action.yml), the README's CI recipes and install
// lines, the goreleaser configuration and the Dockerfile. It has no code
// of its own; its tests read those files from the repository's top.
package distcheck
