// Package nilcontext shows the nil-context rule: nil passed where a context
// is expected. This file has the bugs; good.go has the fixes.
package nilcontext

import (
	"context"
	"database/sql"
	"time"
)

// CountJobsLeaky counts the jobs.
//
// Bug: nil is not an empty context. QueryRowContext panics with a nil
// pointer dereference when it checks the context, and so does
// context.WithTimeout.
func CountJobsLeaky(db *sql.DB) (int, error) {
	ctx, cancel := context.WithTimeout(nil, time.Second)
	defer cancel()
	var n int
	err := db.QueryRowContext(nil, "SELECT count(*) FROM jobs").Scan(&n)
	_ = ctx
	return n, err
}
