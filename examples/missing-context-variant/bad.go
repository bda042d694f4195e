// Package missingcontextvariant shows the missing-context-variant rule:
// calls that cannot be cancelled although a context is at hand. This file
// has the bugs; good.go has the fixes.
package missingcontextvariant

import (
	"context"
	"database/sql"
	"io"
	"net/http"
	"os/exec"
)

// Store keeps the users.
type Store struct {
	db *sql.DB
}

// CountLeaky counts the users.
//
// Bug: the query ignores ctx. When the caller gives up (a timeout, a client
// that went away), the query keeps running and holds its connection until
// the database answers.
func (s *Store) CountLeaky(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRow("SELECT count(*) FROM users").Scan(&n)
	return n, err
}

// ThumbnailLeaky renders a thumbnail for the request.
//
// Bug: the command does not use the request's context. When the client
// disconnects, convert keeps running to the end, once per abandoned request.
func ThumbnailLeaky(w http.ResponseWriter, r *http.Request) {
	out, err := exec.Command("convert", "in.png", "-resize", "64x64", "png:-").Output()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	_, _ = w.Write(out)
}

// FetchLeaky reads a URL.
//
// Bug: the request is built without ctx, so cancelling ctx does not stop it:
// a slow server holds the caller for as long as it likes.
func FetchLeaky(ctx context.Context, url string) ([]byte, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}
