package generate

import (
	"fmt"
	"strings"
	"time"

	"github.com/crawlkit/crawlkit/internal/crawl"
)

// device is an emulated device and the screen it comes with.
type device struct {
	name          string
	width, height int
	scale         float64
	mobile, touch bool
}

var devices = [...]device{
	{"iphone_14", 390, 844, 3, true, true},
	{"iphone_14_pro_max", 430, 932, 3, true, true},
	{"pixel_7", 412, 915, 2.625, true, true},
	{"galaxy_s23", 360, 780, 3, true, true},
	{"ipad_air", 820, 1180, 2, false, true},
}

var desktops = [...][2]int{{1024, 1280}, {1366, 768}, {1920, 1080}, {1280, 800}, {1440, 900}}

// locale is a country with the language, time zone and place that go with it.
type locale struct {
	country, language, timezone, region string
	lat, lon                            float64
}

var locales = [...]locale{
	{"us", "en-US", "America/New_York", "New York", 40.7128, -74.006},
	{"gb", "en-GB", "Europe/London", "England", 51.5074, -0.1278},
	{"de", "de-DE", "Europe/Berlin", "Berlin", 52.52, 13.405},
	{"fr", "fr-FR", "Europe/Paris", "Ile-de-France", 48.8566, 2.3522},
	{"ca", "en-CA", "America/Toronto", "Ontario", 43.6532, -79.3832},
	{"au", "en-AU", "Australia/Sydney", "New South Wales", -33.8688, 151.2093},
	{"jp", "ja-JP", "Asia/Tokyo", "Tokyo", 35.6762, 139.6503},
	{"br", "pt-BR", "America/Sao_Paulo", "Sao Paulo", -23.5505, -46.6333},
	{"in", "en-IN", "Asia/Kolkata", "Maharashtra", 19.076, 72.8777},
	{"nl", "nl-NL", "Europe/Amsterdam", "North Holland", 52.3676, 4.9041},
}

// profile is the options a client sent with the crawl: every page of one
// crawl is shot the same way.
type profile struct {
	locale                      locale
	setLocale, geo              bool
	device                      *device
	landscape                   bool
	width, height               int
	size                        string
	cache, delay, priority      int
	shots, shotInterval         int
	maxWait                     int
	html, hidePopups, hideAds   bool
	dark, strictSSL             bool
	pdf                         bool
	pdfFormat                   string
	pdfBackground, pdfLandscape bool
	pdfMargin                   string
	video                       bool
	videoFormat                 string
	target, userAgent, referer  string
	header, cookie              string
	tags                        []string
	steps                       []map[string]any
	trackTitle                  bool
	upload                      bool
	bucket                      string
}

func (b *builder) profile() *profile {
	f := b.f
	p := &profile{
		size: "screen", cache: 86400, delay: 5, priority: 2, shots: 1,
		pdfFormat: "a4", pdfMargin: "20px", videoFormat: "mp4",
		tags: []string{}, steps: []map[string]any{},
	}
	p.locale = locales[0]
	if b.chance(0.4) {
		p.locale = locales[f.IntN(len(locales))]
	}
	p.setLocale = b.chance(0.3)
	p.geo = b.chance(0.05)
	if b.chance(0.15) {
		d := devices[f.IntN(len(devices))]
		p.device = &d
		p.width, p.height = d.width, d.height
		if b.chance(0.1) {
			p.landscape = true
			p.width, p.height = d.height, d.width
		}
	} else {
		size := desktops[0]
		if b.chance(0.4) {
			size = desktops[f.IntN(len(desktops))]
		}
		p.width, p.height = size[0], size[1]
	}
	if b.chance(0.25) {
		p.size = "page"
	}
	if b.chance(0.15) {
		p.cache = []int{0, 3600, 604800}[f.IntN(3)]
	}
	if b.chance(0.2) {
		p.delay = f.IntN(11)
	}
	if b.chance(0.2) {
		p.priority = 1 + 2*f.IntN(2)
	}
	if b.chance(0.1) {
		p.shots = 2 + f.IntN(3)
		p.shotInterval = 1 + f.IntN(5)
	}
	if b.chance(0.1) {
		p.maxWait = 10 + 5*f.IntN(5)
	}
	p.html = b.chance(0.1)
	p.hidePopups = b.chance(0.25)
	p.hideAds = b.chance(0.2)
	p.dark = b.chance(0.05)
	p.strictSSL = b.chance(0.1)
	if b.chance(0.08) {
		p.pdf = true
		p.pdfFormat = b.pick("a4", "a4", "letter")
		p.pdfBackground = b.chance(0.5)
		p.pdfLandscape = b.chance(0.2)
		p.pdfMargin = b.pick("20px", "0px", "10mm")
	}
	if b.chance(0.04) {
		p.video = true
		p.videoFormat = b.pick("webm", "mp4")
	}
	if b.chance(0.1) {
		p.target = b.pick("main", "#content", "article")
	}
	if b.chance(0.1) {
		p.userAgent = f.ChromeUserAgent()
	}
	if b.chance(0.05) {
		p.referer = "https://www.google.com/"
	}
	if b.chance(0.05) {
		p.header = "Accept-Language: " + p.locale.language
	}
	if b.chance(0.05) {
		p.cookie = "consent=1"
	}
	if b.chance(0.3) {
		p.tags = []string{"crawl", strings.ToLower(f.BuzzWord())}
	}
	if b.chance(0.05) {
		p.steps = []map[string]any{{"action": "click", "selector": "#accept-cookies"}}
	}
	p.trackTitle = b.chance(0.3)
	if b.chance(0.1) {
		p.upload = true
		p.bucket = strings.ToLower(strings.ReplaceAll(f.Company(), " ", "-")) + "-screenshots"
	}
	return p
}

// screenshot makes page i of the site, taken from created to finished.
func (b *builder) screenshot(id int64, s *site, i int, p *profile, created, finished time.Time) crawl.Screenshot {
	f := b.f
	pages := max(i+8, 20)
	url := s.url(i)
	shot := crawl.Screenshot{
		ID: id, Status: crawl.StatusFinished, URL: url, Country: p.locale.country,
		FinalURL: url, FinalURLs: []string{url}, ResponseCode: 200, Apps: []crawl.App{},
		Cost: 1, Size: p.size, Cache: p.cache, Delay: p.delay,
		ScreenWidth: p.width, ScreenHeight: p.height, Priority: p.priority,
		Referer: p.referer, Cookie: p.cookie, Header: p.header,
		HTML: p.html, PDF: p.pdf, PDFBackground: p.pdfBackground, PDFLandscape: p.pdfLandscape,
		PDFFormat: p.pdfFormat, PDFMargin: p.pdfMargin, PDFMarginTop: p.pdfMargin,
		PDFMarginBottom: p.pdfMargin, PDFMarginLeft: p.pdfMargin, PDFMarginRight: p.pdfMargin,
		VideoFormat: p.videoFormat, MaxWait: p.maxWait,
		HidePopups: p.hidePopups, HideAds: p.hideAds, Dark: p.dark,
		Shots: p.shots, ShotInterval: p.shotInterval, StrictSSL: p.strictSSL, Target: p.target,
		Browser: "chrome", UserAgent: p.userAgent,
		CreatedAt: created.Format(time.RFC3339), FinishedAt: finished.Format(time.RFC3339),
		Tag: p.tags, Steps: p.steps, Trackers: []crawl.Tracker{},
		Links: s.links(b, i, 3+f.IntN(6), pages),
	}
	if p.video {
		shot.Video, shot.VideoQuality, shot.VideoSpeed, shot.VideoDuration, shot.VideoFPS, shot.VideoScale = true, 30, 1, 15, 25, 1
		shot.Cost += 2
	}
	if p.pdf {
		shot.Cost++
	}
	if p.setLocale {
		shot.Language, shot.Timezone = p.locale.language, p.locale.timezone
	}
	if p.geo {
		shot.GeoEnable, shot.Region = true, p.locale.region
		shot.GeoLatitude = round4(p.locale.lat + (f.Float64()-0.5)/10)
		shot.GeoLongitude = round4(p.locale.lon + (f.Float64()-0.5)/10)
	}
	if d := p.device; d != nil {
		shot.DeviceName, shot.DeviceScale, shot.DeviceMobile, shot.DeviceTouch = d.name, d.scale, d.mobile, d.touch
		shot.DeviceLandscape = p.landscape
	}
	if i > 0 && b.chance(0.04) {
		// The page moved: the browser followed a redirect to its new place.
		shot.FinalURL = s.url(pages + i)
		shot.FinalURLs = []string{url, shot.FinalURL}
	}
	if b.chance(0.06) {
		b.fail(&shot)
	}
	title := ""
	if shot.Status == crawl.StatusFinished {
		title = pageTitle(s, i)
	}
	if p.trackTitle {
		found := 0
		if title != "" {
			found = 1
		}
		shot.Trackers = []crawl.Tracker{{
			ID: "title", Name: "page title", Value: "document.title", NameType: "string", ValueType: "string",
			Return: []crawl.TrackerResult{{Found: found, Shot: 1, Value: title, Name: "page title"}},
		}}
	}
	if p.upload {
		shot.Apps = []crawl.App{b.upload(&shot, p)}
	}
	return shot
}

// fail turns a screenshot into a failed one, in one of the ways pages fail.
func (b *builder) fail(shot *crawl.Screenshot) {
	b.failWith(shot, []int{0, 403, 404, 500, 503}[b.f.IntN(5)])
}

// failWith turns a screenshot into one that failed with HTTP code, or with
// no answer at all for code 0; what it found and uploaded goes with it.
func (b *builder) failWith(shot *crawl.Screenshot, code int) {
	shot.Status = crawl.StatusError
	shot.Cost = 0
	shot.Links = []string{}
	switch code {
	case 0:
		shot.ResponseCode, shot.Error = 0, "Request timeout after 30 seconds"
		shot.FinalURL, shot.FinalURLs = "", []string{}
	default:
		shot.ResponseCode, shot.Error = code, fmt.Sprintf("Page returned HTTP %d", code)
	}
	for i := range shot.Trackers {
		for j := range shot.Trackers[i].Return {
			shot.Trackers[i].Return[j].Found, shot.Trackers[i].Return[j].Value = 0, ""
		}
	}
	for i := range shot.Apps {
		failApp(&shot.Apps[i])
	}
}

// makePending turns a screenshot into one not taken yet: the one being
// taken (processing) or one waiting its turn (in_queue). Only its request
// is known: when it was queued, and the options it will be taken with.
func makePending(shot *crawl.Screenshot, processing bool) {
	shot.Status = crawl.StatusInQueue
	if processing {
		shot.Status = crawl.StatusProcessing
	}
	shot.Error, shot.ResponseCode, shot.FinishedAt = "", 0, ""
	shot.FinalURL, shot.FinalURLs, shot.Links = "", []string{}, []string{}
	shot.Trackers, shot.Apps = []crawl.Tracker{}, []crawl.App{}
}

func (b *builder) upload(shot *crawl.Screenshot, p *profile) crawl.App {
	key := fmt.Sprintf("%d.png", shot.ID)
	app := crawl.App{
		ID: shot.ID, AppID: fmt.Sprintf("app_%d", 1000+b.f.IntN(9000)), Type: "upload", Name: "Amazon S3",
		Status: "finished", Filename: key,
		OutputURL:  "https://" + p.bucket + ".s3.amazonaws.com/" + key,
		OutputData: map[string]any{"bucket": p.bucket, "key": key},
		UpdatedAt:  shot.FinishedAt,
	}
	if shot.Status == crawl.StatusError {
		failApp(&app)
	}
	return app
}

// failApp marks an integration that had no screenshot to work on.
func failApp(app *crawl.App) {
	app.Status, app.Error, app.Filename, app.OutputURL = "failed", "Screenshot failed", "", ""
	app.OutputData = map[string]any{}
}

func pageTitle(s *site, i int) string {
	p := strings.Trim(s.path(i), "/")
	if p == "" {
		return "Home | " + s.host
	}
	words := strings.ReplaceAll(p[strings.LastIndexByte(p, '/')+1:], "-", " ")
	return strings.ToUpper(words[:1]) + words[1:] + " | " + s.host
}

func round4(x float64) float64 {
	return float64(int64(x*10000)) / 10000
}
