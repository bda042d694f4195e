package missingcontextvariant

import (
	"context"
	"io"
	"net/http"
	"os/exec"
)

// Count is CountLeaky done right: the query is abandoned (and its connection
// released) as soon as ctx is cancelled.
func (s *Store) Count(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM users").Scan(&n)
	return n, err
}

// Thumbnail is ThumbnailLeaky done right: convert is killed when the client
// goes away.
func Thumbnail(w http.ResponseWriter, r *http.Request) {
	out, err := exec.CommandContext(r.Context(), "convert", "in.png", "-resize", "64x64", "png:-").Output()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	_, _ = w.Write(out)
}

// Fetch is FetchLeaky done right: cancelling ctx aborts the request.
func Fetch(ctx context.Context, url string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
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
