// Package kg is failgraph's domain: the node and edge types of the failure-mode knowledge graph, the
// Store interface every backend implements, the argument limits shared by all of them, the text
// scoring that makes search rank identically on every backend, and the error codes.
//
// It imports the standard library only, so that every other package can depend on it.
package kg
