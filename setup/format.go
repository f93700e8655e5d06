package setup

// Format is one report of a run: a formatter and where it writes. Names
// are the command's -format names: "console", "junit", "json" (the run's
// summary), "html", and godog's "pretty", "progress", "cucumber",
// "events". Path "" writes to the run's output (at most one format may);
// html needs a file.
type Format struct {
	Name string
	Path string
}

// String is the format as -format writes it: "name" or "name:path".
func (f Format) String() string {
	if f.Path == "" {
		return f.Name
	}
	return f.Name + ":" + f.Path
}
