package contract

import "strings"

// Setting names a Config field: one that some cases need, or one that a
// finding, a skip or a stop is about. Each front end names it its own way
// (Config.Names): Setting.Flag on the command line, Setting.Field in Go.
type Setting string

// The settings cases may need, and those findings and stops name.
const (
	SettingAPIKey         Setting = "APIKey"
	SettingBearer         Setting = "Bearer"
	SettingCrawlID        Setting = "CrawlID"
	SettingMissingCrawlID Setting = "MissingCrawlID"
	SettingRunningCrawlID Setting = "RunningCrawlID"
	SettingTimeout        Setting = "Timeout"
	SettingDeadline       Setting = "Deadline"
	SettingMaxBody        Setting = "MaxBody"
	SettingPollInterval   Setting = "PollInterval"
	SettingPollTimeout    Setting = "PollTimeout"
	SettingConcurrency    Setting = "Concurrency"
	SettingRetries        Setting = "Retries"
	SettingRate           Setting = "Rate"
	SettingGenerated      Setting = "Generated"
	SettingCases          Setting = "Cases"
	SettingAllow          Setting = "Allow"
	SettingAllowSkips     Setting = "AllowSkips"
	SettingFailOn         Setting = "FailOn"
	SettingStrict         Setting = "Strict"
	SettingInvalidKey     Setting = "InvalidKey"
)

// Flag is the crawlkit contract flag that sets s.
func (s Setting) Flag() string {
	switch s {
	case SettingAPIKey:
		return "--key"
	case SettingCrawlID:
		return "--crawl-id"
	case SettingMissingCrawlID:
		return "--missing-crawl-id"
	case SettingRunningCrawlID:
		return "--running-crawl-id"
	case SettingMaxBody:
		return "--max-body"
	case SettingPollInterval:
		return "--poll-interval"
	case SettingPollTimeout:
		return "--poll-timeout"
	case SettingAllowSkips:
		return "--allow-skips"
	case SettingFailOn:
		return "--fail-on"
	case SettingInvalidKey:
		return "--invalid-key"
	}
	// Bearer, Timeout, Deadline, Concurrency, Retries, Rate, Generated,
	// Cases, Allow, Strict: the flag is the name in lower case.
	return "--" + strings.ToLower(string(s))
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
