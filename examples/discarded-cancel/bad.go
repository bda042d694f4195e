// Package discardedcancel shows the discarded-cancel rule: the cancel
// function assigned to _. This file has the bugs; good.go has the fixes.
package discardedcancel

import (
	"context"
	"database/sql"
	"os"
	"os/signal"
	"time"
)

// UserNameLeaky looks a user up, bounded by a timeout.
//
// Bug: the cancel function is thrown away. Every call leaves a context and a
// running timer behind for two seconds, even when the query answered at once;
// under load they pile up.
func UserNameLeaky(parent context.Context, db *sql.DB, id int64) (string, error) {
	ctx, _ := context.WithTimeout(parent, 2*time.Second)
	var name string
	err := db.QueryRowContext(ctx, "SELECT name FROM users WHERE id = ?", id).Scan(&name)
	return name, err
}

// RunUntilInterruptLeaky runs work until it returns or the user presses
// Ctrl-C.
//
// Bug: the stop function is thrown away, so os.Interrupt stays captured for
// the rest of the process: after RunUntilInterruptLeaky returns, Ctrl-C no
// longer stops the program.
func RunUntilInterruptLeaky(parent context.Context, work func(context.Context) error) error {
	ctx, _ := signal.NotifyContext(parent, os.Interrupt)
	return work(ctx)
}
