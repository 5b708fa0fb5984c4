package contract

// ReportOption changes what a report writer writes.
type ReportOption func(*reportOpts)

type reportOpts struct {
	verbose bool
}

// Verbose lists, in the text report and the GitHub summary, the documented
// fields a run never saw with a value; without it they are counted. The
// JSON report always lists them.
func Verbose() ReportOption {
	return func(o *reportOpts) { o.verbose = true }
}

func reportOptions(opts []ReportOption) reportOpts {
	var o reportOpts
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// neverSeenWhere says where the fields never seen are listed when a report
// only counts them.
const neverSeenWhere = "listed in the JSON report, and in a verbose one"
