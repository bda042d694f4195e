// Package backgroundcontext shows the background-context-in-scope rule: an
// empty context where the function has one of its own. This file has the
// bugs; good.go has the fixes.
package backgroundcontext

import (
	"context"
	"database/sql"
	"net/http"
	"time"
)

// Store looks users up.
type Store struct{ db *sql.DB }

// UserLeaky serves a user's name.
//
// Bug: the query runs with context.Background(), so it keeps running (and
// holds its connection) after the client has gone away or the server's
// timeout has passed.
func (s *Store) UserLeaky(w http.ResponseWriter, r *http.Request) {
	var name string
	err := s.db.QueryRowContext(context.Background(), "SELECT name FROM users WHERE id = ?", r.URL.Query().Get("id")).Scan(&name)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	_, _ = w.Write([]byte(name))
}

// RenameLeaky renames a user within the caller's deadline.
//
// Bug: the timeout is derived from context.TODO(), so the caller's deadline
// and cancellation do not reach the update.
func (s *Store) RenameLeaky(ctx context.Context, id int64, name string) error {
	uctx, cancel := context.WithTimeout(context.TODO(), 5*time.Second)
	defer cancel()
	_, err := s.db.ExecContext(uctx, "UPDATE users SET name = ? WHERE id = ?", name, id)
	return err
}
