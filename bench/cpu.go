package main

import (
	"os"
	"strconv"
	"strings"
	"time"
)

// clockTicks is USER_HZ, the unit of /proc's CPU times: 100 on every Linux this runs on.
const clockTicks = 100

// cpuSample is the machine's busy time and each of our processes' CPU time at one instant.
type cpuSample struct {
	at    time.Time
	busy  float64         // seconds of CPU, all cores, not idle
	procs map[int]float64 // pid -> seconds of CPU (user + system)
}

// cpuUse is what one round cost, in CPUs (seconds of CPU per second).
type cpuUse struct {
	Server, Neo4j, Client, Others float64
}

func sampleCPU(pids []int) cpuSample {
	s := cpuSample{at: time.Now(), procs: map[int]float64{}}
	if b, err := os.ReadFile("/proc/stat"); err == nil {
		line, _, _ := strings.Cut(string(b), "\n")
		f := strings.Fields(line) // cpu user nice system idle iowait irq softirq steal ...
		for i, v := range f[1:] {
			if i == 3 || i == 4 || i >= 8 { // idle, iowait, guest (counted in user already)
				continue
			}
			n, _ := strconv.ParseFloat(v, 64)
			s.busy += n / clockTicks
		}
	}
	for _, pid := range pids {
		if pid > 0 {
			s.procs[pid] = procCPU(pid)
		}
	}
	return s
}

// procCPU is a process's user and system time, its reaped children's included, in seconds.
func procCPU(pid int) float64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	// The command name may hold spaces; the fields after its closing parenthesis are fixed.
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	sum := 0.0
	for _, i := range []int{11, 12, 13, 14} { // utime stime cutime cstime (fields 14-17)
		if i < len(f) {
			n, _ := strconv.ParseFloat(f[i], 64)
			sum += n / clockTicks
		}
	}
	return sum
}

// cpuBetween splits the CPU used between two samples into the target's, Neo4j's (0 when the
// target does not use it), the load tool's (client, measured from its exit status) and everything
// else outside our processes.
func cpuBetween(a, b cpuSample, target, neo4j int, client time.Duration) cpuUse {
	secs := b.at.Sub(a.at).Seconds()
	if secs <= 0 {
		return cpuUse{}
	}
	ours := 0.0
	for pid, v := range b.procs {
		ours += v - a.procs[pid]
	}
	u := cpuUse{Client: client.Seconds() / secs}
	if target > 0 {
		u.Server = (b.procs[target] - a.procs[target]) / secs
	}
	if neo4j > 0 {
		u.Neo4j = (b.procs[neo4j] - a.procs[neo4j]) / secs
	}
	u.Others = max(0, (b.busy-a.busy)-ours-client.Seconds()) / secs
	return u
}
