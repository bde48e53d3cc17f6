//go:build tools

// Package tools pins the kube-apiserver main package in this module's
// dependency graph; it is never compiled. Build with:
//
//	go build -o kube-apiserver k8s.io/kubernetes/cmd/kube-apiserver
package tools

import _ "k8s.io/kubernetes/cmd/kube-apiserver"
