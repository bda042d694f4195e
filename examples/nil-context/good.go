package nilcontext

import (
	"context"
	"database/sql"
	"time"
)

// CountJobs is CountJobsLeaky done right: it takes its caller's context.
func CountJobs(ctx context.Context, db *sql.DB) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	var n int
	err := db.QueryRowContext(ctx, "SELECT count(*) FROM jobs").Scan(&n)
	return n, err
}
