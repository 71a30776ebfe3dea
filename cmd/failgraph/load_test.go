package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestLoadCommandSmoke(t *testing.T) {
	var out, errb bytes.Buffer
	args := []string{"--duration", "20s", "--warmup", "0s", "--clients", "2", "--abusers", "1", "--max-requests", "100"}
	if err := run(context.Background(), append([]string{"load"}, args...), serveEnv(), &out, &errb); err != nil {
		t.Fatalf("load: %v\n%s", err, errb.String())
	}
	for _, want := range []string{"| bare net/http |", "| failgraph |", "| failgraph + abuser |", "normal client's p99", "abuser:"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
	if !strings.Contains(errb.String(), "phase failgraph") {
		t.Errorf("no progress on stderr:\n%s", errb.String())
	}
}

func TestLoadCommandRefusesRemoteTargets(t *testing.T) {
	var out, errb bytes.Buffer
	err := runLoad(context.Background(), []string{"--target", "http://192.0.2.1:8080"}, &out, &errb)
	if err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Errorf("err = %v, want a refusal of a non-loopback target", err)
	}
}
