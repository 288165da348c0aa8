// Package stats holds the one statistic the benchmark commands share.
package stats

import "slices"

// Median returns the middle value of xs (the mean of the two middle ones
// for an even count), leaving xs as it was. Every figure of the benchmarks
// is a median: a pass or round that another process preempted does not
// move it, as it moves a sum.
func Median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
