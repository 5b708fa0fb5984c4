package contract

import "strings"

// Setting names a Config field that some cases need.
type Setting string

// The settings cases may need.
const (
	SettingAPIKey         Setting = "APIKey"
	SettingBearer         Setting = "Bearer"
	SettingCrawlID        Setting = "CrawlID"
	SettingMissingCrawlID Setting = "MissingCrawlID"
	SettingRunningCrawlID Setting = "RunningCrawlID"
)

// Flag is the crawlkit contract flag that sets s.
func (s Setting) Flag() string {
	switch s {
	case SettingAPIKey:
		return "--key"
	case SettingBearer:
		return "--bearer"
	case SettingCrawlID:
		return "--crawl-id"
	case SettingMissingCrawlID:
		return "--missing-crawl-id"
	case SettingRunningCrawlID:
		return "--running-crawl-id"
	}
	return string(s)
}

// Field is the Go name of the Config field that sets s.
func (s Setting) Field() string { return "Config." + string(s) }

// Missing says why a case was skipped: the configuration lacks what it
// needs, any one of Settings.
type Missing struct {
	// What is missing, as "no crawl id".
	What string `json:"what"`
	// Settings would each give it.
	Settings []Setting `json:"settings"`
	// Hint says what a good value is, or "".
	Hint string `json:"hint,omitempty"`
}

// Reason says what is missing and how to give it, each setting written by
// name: Setting.Flag for the command line, Setting.Field for Go.
func (m *Missing) Reason(name func(Setting) string) string {
	names := make([]string, len(m.Settings))
	for i, s := range m.Settings {
		names[i] = name(s)
	}
	reason := m.What + ": give " + strings.Join(names, " or ")
	if m.Hint != "" {
		reason += " (" + m.Hint + ")"
	}
	return reason
}
