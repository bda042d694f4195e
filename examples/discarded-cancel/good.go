package discardedcancel

import (
	"context"
	"database/sql"
	"os"
	"os/signal"
	"time"
)

// UserName is UserNameLeaky done right: the cancel function is kept and
// deferred, so the timer is stopped as soon as the query is done.
func UserName(parent context.Context, db *sql.DB, id int64) (string, error) {
	ctx, cancel := context.WithTimeout(parent, 2*time.Second)
	defer cancel()
	var name string
	err := db.QueryRowContext(ctx, "SELECT name FROM users WHERE id = ?", id).Scan(&name)
	return name, err
}

// RunUntilInterrupt is RunUntilInterruptLeaky done right: stop restores the
// default behaviour of Ctrl-C when work is done.
func RunUntilInterrupt(parent context.Context, work func(context.Context) error) error {
	ctx, stop := signal.NotifyContext(parent, os.Interrupt)
	defer stop()
	return work(ctx)
}
