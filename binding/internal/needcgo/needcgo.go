// Package needcgo turns a build of the binding without cgo into one line.
// The binding imports it only when cgo is off (binding/nocgo.go); then this
// package fails to compile with an error that says what to do, and the go
// command stops before the binding's own files print a screen of
// "undefined: Map". With cgo on it is empty and never imported.
package needcgo
