// Command baseline is the ceiling crawlkit is measured against: a bare
// net/http handler that writes the same fixed bytes for every request, with
// no validation and no generation.
package main

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on")
	bodyFile := flag.String("body", "", "file whose bytes every answer carries")
	status := flag.Int("status", http.StatusOK, "status of every answer")
	flag.Parse()
	body, err := os.ReadFile(*bodyFile)
	if err != nil {
		fmt.Fprintln(os.Stderr, "baseline:", err)
		os.Exit(2)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "baseline:", err)
		os.Exit(2)
	}
	fmt.Printf("listening on http://%s\n", ln.Addr())
	length := strconv.Itoa(len(body))
	err = http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Content-Length", length)
		w.WriteHeader(*status)
		_, _ = w.Write(body)
	}))
	fmt.Fprintln(os.Stderr, "baseline:", err)
	os.Exit(1)
}
