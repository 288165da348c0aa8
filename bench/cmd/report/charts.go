package main

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// driverLabels names the drivers in the charts' legends.
var driverLabels = map[string]string{"c": "C libbpf", "binding": "binding", "cilium": "cilium/ebpf"}

// writeCharts draws the drain cost curves (ns/event against the event
// size, both on log scales) from the medians, one SVG per buffer kind, and
// the map walk curve, into dir, and returns the files written.
func writeCharts(res results, dir string) ([]string, error) {
	var files []string
	for _, kind := range []struct{ prefix, title string }{
		{"ringbuf", "Ring buffer drain"},
		{"perfbuf", "Perf buffer drain"},
	} {
		p := logPlot(res, kind.title, "event size, bytes", "ns per event (median)")
		p.X.Tick.Marker = plot.ConstantTicks(sizeTicks())
		p.Legend.Left = true
		var lines []any
		for _, d := range drivers {
			var pts plotter.XYs
			for _, w := range res.Workloads {
				size, ok := eventSize(w.Workload, kind.prefix)
				if !ok || w.Median[d] <= 0 {
					continue
				}
				pts = append(pts, plotter.XY{X: float64(size), Y: w.Median[d]})
			}
			sortXY(pts)
			lines = append(lines, driverLabels[d], pts)
		}
		file, err := saveLines(p, lines, dir, kind.prefix+"_drain.svg")
		if err != nil {
			return files, err
		}
		files = append(files, file)
	}
	file, err := writeWalkChart(res, dir)
	if err != nil {
		return files, err
	}
	files = append(files, file)
	file, err = writeOpenLoadChart(res, dir)
	if err != nil {
		return files, err
	}
	return append(files, file), nil
}

// openLoadSizes maps the open + load curve's workloads to what grows: the
// programs (with one map) or the maps (with one program). p1_m1 is the
// first point of both.
var openLoadSizes = map[string][]struct {
	kind string
	n    float64
}{
	"open_load_p1_m1":   {{"programs", 1}, {"maps", 1}},
	"open_load_p10_m1":  {{"programs", 10}},
	"open_load_p100_m1": {{"programs", 100}},
	"open_load_p1_m10":  {{"maps", 10}},
	"open_load_p1_m100": {{"maps", 100}},
}

// writeOpenLoadChart draws the open + load curve: ms per open + load +
// close against the object's programs (one map) and maps (one program).
func writeOpenLoadChart(res results, dir string) (string, error) {
	p := logPlot(res, "Open + load + close", "programs (1 map) or maps (1 program) in the object", "ms (median)")
	p.Legend.Left = true
	var lines []any
	for _, kind := range []string{"programs", "maps"} {
		for _, d := range drivers {
			var pts plotter.XYs
			for _, w := range res.Workloads {
				for _, s := range openLoadSizes[w.Workload] {
					if s.kind == kind && w.Median[d] > 0 {
						pts = append(pts, plotter.XY{X: s.n, Y: w.Median[d]})
					}
				}
			}
			sortXY(pts)
			lines = append(lines, driverLabels[d]+", N "+kind, pts)
		}
	}
	return saveLines(p, lines, dir, "open_load.svg")
}

// logPlot returns a plot of what title says, on this machine's CPU and the
// date of res, with log scales and log ticks on both axes and the legend
// at the top.
func logPlot(res results, title, xLabel, yLabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("%s: %s, %s", title, res.Machine.CPUModel, res.Date[:10])
	p.X.Label.Text = xLabel
	p.Y.Label.Text = yLabel
	p.X.Scale = plot.LogScale{}
	p.Y.Scale = plot.LogScale{}
	p.X.Tick.Marker = plot.LogTicks{Prec: -1}
	p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	p.Legend.Top = true
	return p
}

// saveLines draws lines (label, points, label, points ...) on p and saves
// it as dir/name, 6 by 4 inches, returning the file's path.
func saveLines(p *plot.Plot, lines []any, dir, name string) (string, error) {
	if err := plotutil.AddLinePoints(p, lines...); err != nil {
		return "", err
	}
	file := filepath.Join(dir, name)
	return file, p.Save(6*vg.Inch, 4*vg.Inch, file)
}

// walkEntries maps the iteration workloads to the entries of their map.
var walkEntries = map[string]struct {
	kind    string
	entries float64
}{
	"iterate_1k": {"iterate", 1e3}, "map_iterate": {"iterate", 1e4}, "iterate_100k": {"iterate", 1e5},
	"iterate_1m": {"iterate", 1e6},
	"batch_1k":   {"batch", 1e3}, "map_batch": {"batch", 1e4}, "batch_100k": {"batch", 1e5},
	"batch_1m": {"batch", 1e6},
}

// writeWalkChart draws the iteration cost curve: ns per entry against the
// map's entries, walking with next key + lookup and with batch lookups.
func writeWalkChart(res results, dir string) (string, error) {
	p := logPlot(res, "Hash map walk", "entries", "ns per entry (median)")
	var lines []any
	for _, kind := range []string{"iterate", "batch"} {
		for _, d := range drivers {
			var pts plotter.XYs
			for _, w := range res.Workloads {
				e, ok := walkEntries[w.Workload]
				if !ok || e.kind != kind || w.Median[d] <= 0 {
					continue
				}
				pts = append(pts, plotter.XY{X: e.entries, Y: w.Median[d]})
			}
			sortXY(pts)
			lines = append(lines, driverLabels[d]+" "+kind, pts)
		}
	}
	return saveLines(p, lines, dir, "map_walk.svg")
}

// eventSize returns the event size of a drain workload of the given kind:
// ringbuf is 64 bytes, ringbuf_N is N bytes.
func eventSize(workload, prefix string) (int, bool) {
	if workload == prefix {
		return 64, true
	}
	rest, ok := strings.CutPrefix(workload, prefix+"_")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(rest)
	return n, err == nil
}

func sizeTicks() []plot.Tick {
	var ticks []plot.Tick
	for _, s := range []int{16, 64, 256, 1024, 4096} {
		ticks = append(ticks, plot.Tick{Value: float64(s), Label: strconv.Itoa(s)})
	}
	return ticks
}

func sortXY(pts plotter.XYs) {
	for i := 1; i < len(pts); i++ {
		for j := i; j > 0 && pts[j].X < pts[j-1].X; j-- {
			pts[j], pts[j-1] = pts[j-1], pts[j]
		}
	}
}
