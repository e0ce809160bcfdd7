// Each browser test starts its own server process and a chromium: run one at a time, so that on a small machine
// (CI has 2 cores) no test waits on the others' model work and a timeout means a real problem.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
