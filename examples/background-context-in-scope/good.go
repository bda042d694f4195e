package backgroundcontext

import (
	"context"
	"net/http"
	"time"
)

// User is UserLeaky done right: the query ends with the request.
func (s *Store) User(w http.ResponseWriter, r *http.Request) {
	var name string
	err := s.db.QueryRowContext(r.Context(), "SELECT name FROM users WHERE id = ?", r.URL.Query().Get("id")).Scan(&name)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	_, _ = w.Write([]byte(name))
}

// Rename is RenameLeaky done right: the timeout is derived from ctx.
func (s *Store) Rename(ctx context.Context, id int64, name string) error {
	uctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	_, err := s.db.ExecContext(uctx, "UPDATE users SET name = ? WHERE id = ?", name, id)
	return err
}

// Audit records an event even when the client has gone away: the work is
// detached on purpose, and the comment says so.
func (s *Store) Audit(w http.ResponseWriter, r *http.Request) {
	event := r.URL.Query().Get("event")
	// detached: the audit record must be written even if the client disconnects.
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, _ = s.db.ExecContext(ctx, "INSERT INTO audit (event) VALUES (?)", event)
	}()
	w.WriteHeader(http.StatusAccepted)
}
