// Package fuzz is swarm testing for the simulated cluster. Each seed draws a
// set of options (which faults are enabled and how often: crashes, pauses,
// partitions, lossy links, membership changes, snapshots, client load with
// leases, locks and watches) and generates a scenario script from them. The
// script runs in a netsim world, whose safety checks run after every event;
// at the end the client history is checked for linearizability and the
// watches for the etcd watch guarantees. A failure comes back with its seed
// and a script that reproduces it with `raftsim run`.
//
// Swarm testing (Groce et al., 2012) leaves whole fault classes out of most
// runs on purpose: a run without partitions but with many crashes explores
// states that a run with every fault at a low rate almost never reaches.
package fuzz
