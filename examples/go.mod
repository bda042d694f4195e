module example.com/concurrency-examples

go 1.21
