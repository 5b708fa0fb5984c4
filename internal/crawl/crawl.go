// Package crawl holds the crawl data model of GET /crawl/info and the rules
// that make a crawl coherent, written once for the generator, its tests and
// the contract kit's warnings.
package crawl

// Crawl statuses.
const (
	StatusInQueue    = "in_queue"
	StatusProcessing = "processing"
	StatusFinished   = "finished"
	StatusError      = "error"
	StatusCancelled  = "cancelled"
)

// Statuses lists every crawl status, running ones first.
var Statuses = [...]string{StatusInQueue, StatusProcessing, StatusFinished, StatusError, StatusCancelled}

// Final reports whether a crawl in status has ended: the SDKs stop polling.
func Final(status string) bool {
	return status == StatusFinished || status == StatusError || status == StatusCancelled
}

// Crawl is one crawl, the `data` of a success envelope. Fields are in the
// order the API sends them.
type Crawl struct {
	ID              int64        `json:"id"`
	Status          string       `json:"status"`
	Domain          string       `json:"domain"`
	StartURL        string       `json:"start_url"`
	MaxURLs         int          `json:"max_urls"`
	TotalDiscovered int          `json:"total_discovered"`
	Processed       int          `json:"processed"`
	Failed          int          `json:"failed"`
	Error           string       `json:"error"`
	CreatedAt       string       `json:"created_at"`
	Started         int64        `json:"started"`
	Finished        int64        `json:"finished"`
	Screenshots     []Screenshot `json:"screenshots"`
}

// Screenshot is one crawled page and the options it was taken with.
type Screenshot struct {
	ID              int64            `json:"id"`
	Status          string           `json:"status"`
	Error           string           `json:"error"`
	URL             string           `json:"url"`
	Country         string           `json:"country"`
	FinalURL        string           `json:"final_url"`
	FinalURLs       []string         `json:"final_urls"`
	ResponseCode    int              `json:"response_code"`
	Apps            []App            `json:"apps"`
	Cost            int              `json:"cost"`
	Size            string           `json:"size"`
	Cache           int              `json:"cache"`
	Delay           int              `json:"delay"`
	ScreenWidth     int              `json:"screen_width"`
	ScreenHeight    int              `json:"screen_height"`
	Priority        int              `json:"priority"`
	Referer         string           `json:"referer"`
	PostData        string           `json:"post_data"`
	Cookie          string           `json:"cookie"`
	Script          string           `json:"script"`
	Header          string           `json:"header"`
	HTML            bool             `json:"html"`
	PDF             bool             `json:"pdf"`
	PDFBackground   bool             `json:"pdf_background"`
	PDFOnePage      bool             `json:"pdf_one_page"`
	PDFLandscape    bool             `json:"pdf_landscape"`
	PDFFormat       string           `json:"pdf_format"`
	PDFMargin       any              `json:"pdf_margin"`
	PDFMarginTop    any              `json:"pdf_margin_top"`
	PDFMarginBottom any              `json:"pdf_margin_bottom"`
	PDFMarginLeft   any              `json:"pdf_margin_left"`
	PDFMarginRight  any              `json:"pdf_margin_right"`
	Video           bool             `json:"video"`
	VideoFormat     string           `json:"video_format"`
	VideoQuality    int              `json:"video_quality"`
	VideoSpeed      float64          `json:"video_speed"`
	VideoDuration   int              `json:"video_duration"`
	VideoFPS        int              `json:"video_fps"`
	VideoColors     int              `json:"video_colors"`
	VideoScale      float64          `json:"video_scale"`
	MaxWait         int              `json:"max_wait"`
	HidePopups      bool             `json:"hide_popups"`
	HideAds         bool             `json:"hide_ads"`
	Dark            bool             `json:"dark"`
	Shots           int              `json:"shots"`
	ShotInterval    int              `json:"shot_interval"`
	StrictSSL       bool             `json:"strict_ssl"`
	Target          string           `json:"target"`
	GeoEnable       bool             `json:"geo_enable"`
	GeoLatitude     float64          `json:"geo_latitude"`
	GeoLongitude    float64          `json:"geo_longitude"`
	Region          string           `json:"region"`
	Language        string           `json:"language"`
	Timezone        string           `json:"timezone"`
	DeviceName      string           `json:"device_name"`
	DeviceScale     float64          `json:"device_scale"`
	DeviceMobile    bool             `json:"device_mobile"`
	DeviceTouch     bool             `json:"device_touch"`
	DeviceLandscape bool             `json:"device_landscape"`
	Browser         string           `json:"browser"`
	UserAgent       string           `json:"user_agent"`
	CreatedAt       string           `json:"created_at"`
	FinishedAt      string           `json:"finished_at"`
	Tag             []string         `json:"tag"`
	Steps           []map[string]any `json:"steps"`
	Trackers        []Tracker        `json:"trackers"`
	Links           []string         `json:"links"`
}

// App is one integration run on a screenshot.
type App struct {
	ID         int64          `json:"id"`
	AppID      string         `json:"app_id"`
	Type       string         `json:"type"`
	Name       string         `json:"name"`
	Status     string         `json:"status"`
	Filename   string         `json:"filename"`
	Error      string         `json:"error"`
	OutputURL  string         `json:"output_url"`
	OutputData map[string]any `json:"output_data"`
	UpdatedAt  string         `json:"updated_at"`
}

// Tracker is a value read from the page.
type Tracker struct {
	ID        string          `json:"id"`
	Name      string          `json:"name"`
	Value     string          `json:"value"`
	NameType  string          `json:"name_type"`
	Input     string          `json:"input"`
	ValueType string          `json:"value_type"`
	Selector  string          `json:"selector"`
	Return    []TrackerResult `json:"return"`
}

// TrackerResult is what one tracker found in one shot.
type TrackerResult struct {
	Found int    `json:"found"`
	Shot  int    `json:"shot"`
	Value string `json:"value"`
	Name  string `json:"name"`
}
